#!/usr/bin/env Rscript
# rates-expected.R: regenerate the inputs and expected values of the rate
# tests (tests/data/rates/) with R's epitools::ageadjust.direct, lm() and
# confint().  Run from the repository root:
#
#     Rscript tests/r/rates-expected.R
#
# The tests read the CSVs this writes and need no R.  Values are per
# person-year, written with 17 significant digits.
suppressPackageStartupMessages(library(epitools))
out <- "tests/data/rates"
fmt <- function(x) trimws(formatC(x, digits = 17, format = "g"))
hdr <- function(path, lines) writeLines(paste("#", lines), path)
append_csv <- function(df, path) {
  suppressWarnings(write.table(df, path, sep = ",", row.names = FALSE, quote = FALSE,
                               append = TRUE))
}

## 1. Fay and Feuer (1997), Table 1: Down syndrome live births by maternal
##    age and birth order (Fleiss 1981, p. 249), standardised to the mean
##    population of the five birth orders -- the example of ?ageadjust.direct.
population <- c(230061, 329449, 114920, 39487, 14208, 3052,
                72202, 326701, 208667, 83228, 28466, 5375, 15050, 175702,
                207081, 117300, 45026, 8660, 2293, 68800, 132424, 98301,
                46075, 9834, 327, 30666, 123419, 149919, 104088, 34392,
                319933, 931318, 786511, 488235, 237863, 61313)
population <- matrix(population, 6, 6)
count <- c(107, 141, 60, 40, 39, 25, 25, 150, 110, 84, 82, 39,
           3, 71, 114, 103, 108, 75, 1, 26, 64, 89, 137, 96, 0, 8, 63, 112,
           262, 295, 136, 396, 411, 428, 628, 530)
count <- matrix(count, 6, 6)
standard <- apply(population[, -6], 1, mean)
orders <- c("1", "2", "3", "4", "5+")
ages <- c("under 20", "20-24", "25-29", "30-34", "35-39", "40+")
path <- file.path(out, "fay-feuer-input.csv")
hdr(path, c("Fay MP, Feuer EJ. Stat Med 1997;16:791-801, Table 1: Down syndrome births",
            "by maternal age and birth order (Fleiss 1981, p. 249), as in the examples",
            "of epitools::ageadjust.direct.  standard = mean population of the 5 orders.",
            "Written by tests/r/rates-expected.R."))
append_csv(data.frame(birth_order = rep(orders, each = 6), age = rep(ages, 5),
                      count = as.vector(count[, 1:5]),
                      population = as.vector(population[, 1:5]),
                      standard = fmt(rep(standard, 5))), path)
path <- file.path(out, "fay-feuer-expected.csv")
hdr(path, c("epitools::ageadjust.direct(count, pop, stdpop = standard) per birth order;",
            "per birth; Fay and Feuer print these x 1e5 to one decimal.",
            "Written by tests/r/rates-expected.R."))
res <- t(sapply(1:5, function(j)
  ageadjust.direct(count[, j], population[, j], stdpop = standard)))
append_csv(data.frame(birth_order = orders, crude = fmt(res[, "crude.rate"]),
                      asr = fmt(res[, "adj.rate"]), lci = fmt(res[, "lci"]),
                      uci = fmt(res[, "uci"])), path)

## 2. Registry strata over the 19 age groups, against the three standards.
std <- function(name) {
  d <- read.csv(file.path("data/stdpop", paste0(name, ".csv")), comment.char = "#")
  d$weight
}
standards <- list(china2000 = std("china2000"), segi = std("segi"), who2000 = std("who2000"))
set.seed(20260630)
base_rate <- c(2, 1, 1, 1.5, 2, 3, 5, 9, 15, 30, 55, 90, 140, 200, 280, 360, 430, 480, 500) / 1e5
strata <- list(
  typical = {p <- round(runif(19, 20000, 90000)); list(pop = p, count = rpois(19, p * base_rate))},
  large = {p <- round(runif(19, 5e5, 2e6)); list(pop = p, count = rpois(19, p * base_rate * 3))},
  sparse = {p <- round(runif(19, 800, 5000)); list(pop = p, count = c(rep(0, 12), 1, 0, 2, 0, 1, 0, 1))},
  single = {p <- round(runif(19, 800, 5000)); list(pop = p, count = c(rep(0, 15), 1, rep(0, 3)))},
  none = {p <- round(runif(19, 800, 5000)); list(pop = p, count = rep(0, 19))}
)
labels <- c("0", "1-4", paste(seq(5, 80, 5), seq(9, 84, 5), sep = "-"), "85+")
width <- c(1, 4, rep(5, 17))
path <- file.path(out, "registry-input.csv")
hdr(path, c("Counts and populations of five strata by the 19 registry age groups",
            "(random, seed 20260630).  Written by tests/r/rates-expected.R."))
append_csv(do.call(rbind, lapply(names(strata), function(s)
  data.frame(stratum = s, age_group = labels, count = strata[[s]]$count,
             population = strata[[s]]$pop))), path)
rows <- list()
for (s in names(strata)) {
  cnt <- strata[[s]]$count
  pop <- strata[[s]]$pop
  add <- function(measure, value) rows[[length(rows) + 1]] <<-
    data.frame(stratum = s, measure = measure, value = fmt(value))
  add("crude", sum(cnt) / sum(pop))
  for (n in names(standards)) {
    r <- ageadjust.direct(cnt, pop, stdpop = standards[[n]])
    # epitools gives NaN for the lower limit without cases; fangai gives 0.
    if (sum(cnt) == 0) r["lci"] <- 0
    add(paste0("asr_", n), r["adj.rate"])
    add(paste0("lci_", n), r["lci"])
    add(paste0("uci_", n), r["uci"])
  }
  k <- 9:14  # 35-39 ... 60-64
  r <- ageadjust.direct(cnt[k], pop[k], stdpop = standards$segi[k])
  if (sum(cnt[k]) == 0) r["lci"] <- 0
  add("trunc_segi", r["adj.rate"])
  add("trunc_lci", r["lci"])
  add("trunc_uci", r["uci"])
  cum <- sum((cnt / pop * width)[1:16])
  add("cum_0_74", cum)
  add("cumrisk_0_74", 1 - exp(-cum))
}
path <- file.path(out, "registry-expected.csv")
hdr(path, c("epitools::ageadjust.direct for each standard; the truncated rate 35-64",
            "with Segi weights; cumulative rate 0-74 = sum(rate x width), risk =",
            "1 - exp(-rate).  Written by tests/r/rates-expected.R."))
append_csv(do.call(rbind, rows), path)

## 3. EAPC: log-linear regression of the rate on the year.
series <- list(
  rising = data.frame(year = 2010:2021,
                      rate = exp(-9 + 0.031 * (0:11) + rnorm(12, 0, 0.04))),
  falling = data.frame(year = c(2015, 2016, 2018, 2019, 2020),
                       rate = exp(-8 - 0.02 * c(0, 1, 3, 4, 5) + rnorm(5, 0, 0.05))),
  three = data.frame(year = 2019:2021, rate = c(31.2, 33.9, 32.5) / 1e5)
)
path <- file.path(out, "eapc-input.csv")
hdr(path, "Rates by year of three series.  Written by tests/r/rates-expected.R.")
append_csv(do.call(rbind, lapply(names(series), function(s)
  data.frame(series = s, year = series[[s]]$year, rate = fmt(series[[s]]$rate)))), path)
path <- file.path(out, "eapc-expected.csv")
hdr(path, c("fit <- lm(log(rate) ~ year); EAPC = 100 (exp(b) - 1) with",
            "confint(fit) (Student t, n - 2 df).  Written by tests/r/rates-expected.R."))
append_csv(do.call(rbind, lapply(names(series), function(s) {
  fit <- lm(log(rate) ~ year, data = series[[s]])
  ci <- confint(fit, "year", level = 0.95)
  data.frame(series = s, eapc = fmt(100 * (exp(coef(fit)[["year"]]) - 1)),
             lci = fmt(100 * (exp(ci[1]) - 1)), uci = fmt(100 * (exp(ci[2]) - 1)))
})), path)

## 4. The same strata through `fangai stats rates --by district --standard
##    china2000,segi,who2000 --format csv`: one district per stratum, cases
##    as counts by age group (tests/cli/stats-rates.sh).
districts <- c(typical = "110101", large = "110102", sparse = "110105", single = "110106",
               none = "110107")
path <- file.path(out, "cli-population.csv")
hdr(path, "Population of the registry strata, one district each.  Written by tests/r/rates-expected.R.")
append_csv(do.call(rbind, lapply(names(strata), function(s)
  data.frame(district = districts[[s]], sex = 2, age_group = labels,
             population = strata[[s]]$pop))), path)
path <- file.path(out, "cli-cases.csv")
hdr(path, "Cases of the registry strata as counts.  Written by tests/r/rates-expected.R.")
append_csv(do.call(rbind, lapply(names(strata), function(s)
  data.frame(district = districts[[s]], sex = "F", age_group = labels,
             count = strata[[s]]$count))), path)
path <- file.path(out, "cli-expected.csv")
hdr(path, c("Expected output of stats rates --by district (per 100,000; cumulative in %);",
            "lower limits without cases are 0.  Written by tests/r/rates-expected.R."))
append_csv(do.call(rbind, lapply(names(strata), function(s) {
  cnt <- strata[[s]]$count
  pop <- strata[[s]]$pop
  r <- lapply(standards, function(w) ageadjust.direct(cnt, pop, stdpop = w) * 1e5)
  r <- lapply(r, function(x) { if (is.nan(x["lci"])) x["lci"] <- 0; x })
  k <- 9:14
  tr <- ageadjust.direct(cnt[k], pop[k], stdpop = standards$segi[k]) * 1e5
  if (is.nan(tr["lci"])) tr["lci"] <- 0
  cum <- sum((cnt / pop * width)[1:16])
  data.frame(district = districts[[s]], cases = sum(cnt), population = sum(pop),
             crude = fmt(r$china2000["crude.rate"]),
             asr_china2000 = fmt(r$china2000["adj.rate"]), lci_china2000 = fmt(r$china2000["lci"]),
             uci_china2000 = fmt(r$china2000["uci"]),
             asr_segi = fmt(r$segi["adj.rate"]), lci_segi = fmt(r$segi["lci"]),
             uci_segi = fmt(r$segi["uci"]),
             asr_who2000 = fmt(r$who2000["adj.rate"]), lci_who2000 = fmt(r$who2000["lci"]),
             uci_who2000 = fmt(r$who2000["uci"]),
             cum_0_74 = fmt(100 * cum), cumrisk_0_74 = fmt(100 * (1 - exp(-cum))),
             trunc_35_64 = fmt(tr["adj.rate"]), trunc_lci = fmt(tr["lci"]),
             trunc_uci = fmt(tr["uci"]))
})), path)

## 5. EAPC through `fangai stats rates --eapc --by sex --standard segi
##    --format csv`: ten years of counts with a trend, the Segi ASR of each
##    year, and lm(log(asr) ~ year) (tests/cli/stats-rates.sh).
years <- 2012:2021
trend <- list(male = 0.025, female = -0.015)
pop_rows <- list()
case_rows <- list()
expected <- list()
for (sx in names(trend)) {
  code <- if (sx == "male") 1 else 2
  asr <- sapply(seq_along(years), function(i) {
    pop <- round(runif(19, 30000, 80000))
    cnt <- rpois(19, pop * base_rate * exp(trend[[sx]] * (i - 1)))
    pop_rows[[length(pop_rows) + 1]] <<- data.frame(year = years[i], sex = code,
                                                    age_group = labels, population = pop)
    case_rows[[length(case_rows) + 1]] <<- data.frame(year = years[i], sex = code,
                                                      age_group = labels, count = cnt)
    ageadjust.direct(cnt, pop, stdpop = standards$segi)[["adj.rate"]]
  })
  fit <- lm(log(asr) ~ years)
  ci <- confint(fit, "years", level = 0.95)
  expected[[sx]] <- data.frame(sex = sx, standard = "segi", years = length(years),
                               first_year = min(years), last_year = max(years),
                               eapc = fmt(100 * (exp(coef(fit)[["years"]]) - 1)),
                               eapc_lci = fmt(100 * (exp(ci[1]) - 1)),
                               eapc_uci = fmt(100 * (exp(ci[2]) - 1)))
}
path <- file.path(out, "eapc-population.csv")
hdr(path, "Population of ten years by sex.  Written by tests/r/rates-expected.R.")
append_csv(do.call(rbind, pop_rows), path)
path <- file.path(out, "eapc-cases.csv")
hdr(path, "Cases of ten years by sex, as counts.  Written by tests/r/rates-expected.R.")
append_csv(do.call(rbind, case_rows), path)
path <- file.path(out, "eapc-cli-expected.csv")
hdr(path, c("Expected output of stats rates --eapc --by sex --standard segi: EAPC of the",
            "Segi ASR (epitools) by lm(log(asr) ~ year), in %.  Written by tests/r/rates-expected.R."))
append_csv(do.call(rbind, expected), path)
