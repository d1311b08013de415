# screening_quantiles.R: expected medians and 90th percentiles of days from a
# positive screening result to diagnosis, computed with R's quantile()
# (type 7, the default), for tests/unit/test_screening_indicators.c.
# Regenerate: Rscript screening_quantiles.R > screening_quantiles.csv
sets <- list(
  a = c(30, 50, 10),
  b = c(10, 20, 30, 40, 50),
  c = c(7),
  d = c(1, 2),
  e = c(5, 5, 5, 9),
  f = c(3, 140, 12, 12, 61, 28, 28, 90, 17, 4, 33, 365, 0, 45, 21)
)
cat("# R", R.version$major, ".", R.version$minor, " quantile(type = 7)\n", sep = "")
cat("set,days,median,p90\n")
for (n in names(sets)) {
  q <- quantile(sets[[n]], c(0.5, 0.9), type = 7, names = FALSE)
  cat(n, ",", paste(sets[[n]], collapse = " "), ",", format(q[1], nsmall = 4), ",",
      format(q[2], nsmall = 4), "\n", sep = "")
}
