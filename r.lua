request = function() return wrk.format("GET", "/fhir/Patient/" .. math.random(1, 1000000), {["Authorization"] = "Bearer "}) end
