# survival-expected.R: export R's own data sets and the survival estimates R
# computes on them, as the expected values of fangai's survival tests.
#
#   Rscript tests/r/survival-expected.R      (from the repository root)
#
# Writes tests/r/data/*.csv.  Packages: survival (lung, survfit, survdiff),
# KMsurv (lifetab), relsurv (rdata, colrec, slopop, rs.surv).  The tests read
# the checked-in files, so they run where R is absent.
suppressPackageStartupMessages({
	library(survival)
	library(KMsurv)
	library(relsurv)
})
out <- "tests/r/data"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_table <- function(df, name, header) {
	f <- file.path(out, name)
	con <- file(f, "w")
	writeLines(paste0("# ", header), con)
	writeLines(paste(names(df), collapse = ","), con)
	for (i in seq_len(nrow(df))) {
		cells <- vapply(df[i, , drop = FALSE], function(v)
			if (is.numeric(v)) num(v) else as.character(v), "")
		writeLines(paste(cells, collapse = ","), con)
	}
	close(con)
}
curve <- function(fit, group = "") {
	data.frame(group = group, time = fit$time, n_risk = fit$n.risk,
		   n_event = fit$n.event, n_censor = fit$n.censor, surv = fit$surv,
		   std_err = fit$surv * fit$std.err, lower = fit$lower, upper = fit$upper)
}

# --- survival::lung: Kaplan-Meier, quantiles, log-rank ---------------------
# entry: a delayed entry for every fourth patient, to check left truncation
lung$entry <- ifelse(seq_len(nrow(lung)) %% 4 == 0, pmin(60, lung$time / 2), 0)
lung_in <- data.frame(time = lung$time, status = lung$status, sex = lung$sex,
		      ph_ecog = ifelse(is.na(lung$ph.ecog), "", lung$ph.ecog), entry = lung$entry)
write_table(lung_in, "lung.csv", "survival::lung (NCCTG lung cancer); status 1 censored, 2 dead")
types <- c(log = "log", "log-log" = "loglog", plain = "plain")
for (ct in names(types)) {
	fit <- survfit(Surv(time, status) ~ 1, data = lung, conf.type = ct)
	write_table(curve(fit), paste0("km-lung-", types[[ct]], ".csv"),
		    paste0("survfit(Surv(time, status) ~ 1, lung, conf.type = \"", ct, "\")"))
	q <- quantile(fit, c(0.25, 0.5, 0.75))
	write_table(data.frame(p = c(0.25, 0.5, 0.75), time = q$quantile, lower = q$lower,
			       upper = q$upper),
		    paste0("km-lung-quantiles-", types[[ct]], ".csv"),
		    paste0("quantile(survfit(...), conf.type = \"", ct, "\")"))
}
fit <- survfit(Surv(entry, time, status) ~ 1, data = lung)
write_table(curve(fit), "km-lung-entry.csv", "survfit(Surv(entry, time, status) ~ 1, lung with delayed entry)")
q <- quantile(fit, c(0.25, 0.5, 0.75))
write_table(data.frame(p = c(0.25, 0.5, 0.75), time = q$quantile, lower = q$lower, upper = q$upper),
	    "km-lung-entry-quantiles.csv", "quantile(survfit(Surv(entry, time, status) ~ 1, lung))")
fit <- survfit(Surv(time, status) ~ sex, data = lung)
rows <- NULL
qrows <- NULL
for (g in 1:2) {
	f <- fit[g]
	rows <- rbind(rows, curve(f, as.character(g)))
	q <- quantile(f, c(0.25, 0.5, 0.75))
	qrows <- rbind(qrows, data.frame(group = as.character(g), p = c(0.25, 0.5, 0.75),
					 time = q$quantile, lower = q$lower, upper = q$upper))
}
write_table(rows, "km-lung-sex.csv", "survfit(Surv(time, status) ~ sex, lung)")
write_table(qrows, "km-lung-sex-quantiles.csv", "quantile(survfit(Surv(time, status) ~ sex, lung))")
at <- c(0, 100, 183, 365, 500, 730, 1000)
s <- summary(survfit(Surv(time, status) ~ 1, data = lung), times = at)
write_table(data.frame(time = s$time, n_risk = s$n.risk, n_event = s$n.event,
		       surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper),
	    "km-lung-at.csv", "summary(survfit(Surv(time, status) ~ 1, lung), times = ...)")
logrank <- function(d, formula, name, header) {
	sd <- survdiff(formula, data = d)
	write_table(data.frame(group = sub(".*=", "", names(sd$n)), n = as.vector(sd$n),
			       observed = sd$obs, expected = sd$exp, variance = diag(sd$var),
			       chisq = sd$chisq, df = length(sd$n) - 1 - sum(sd$exp == 0),
			       p = pchisq(sd$chisq, length(sd$n) - 1 - sum(sd$exp == 0),
					  lower.tail = FALSE)),
		    name, header)
}
logrank(lung, Surv(time, status) ~ sex, "logrank-lung-sex.csv", "survdiff(Surv(time, status) ~ sex, lung)")
logrank(lung[!is.na(lung$ph.ecog), ], Surv(time, status) ~ ph.ecog, "logrank-lung-ecog.csv",
	"survdiff(Surv(time, status) ~ ph.ecog, lung without missing ph.ecog)")

# --- KMsurv::lifetab -------------------------------------------------------
tis <- c(0, 2, 3, 5, 7, 11, 17, 25, 37, 53, NA)
nsubs <- c(927, 848, 774, 649, 565, 449, 296, 186, 112, 27)
nlost <- c(2, 3, 6, 9, 7, 5, 3, rep(0, 3))
nevent <- c(77, 71, 119, 75, 109, 148, 107, 74, 85, 27)
lifetab_frame <- function(lt, tis) {
	n <- nrow(lt)
	data.frame(start = tis[1:n], end = tis[2:(n + 1)], entered = lt$nsubs, lost = lt$nlost,
		   at_risk = lt$nrisk, events = lt$nevent, surv = lt$surv, pdf = lt$pdf,
		   hazard = lt$hazard, se_surv = lt$se.surv, se_pdf = lt$se.pdf,
		   se_hazard = lt$se.hazard)
}
write_table(data.frame(start = tis[1:10], end = tis[2:11], lost = nlost, events = nevent),
	    "lifetab-counts.csv", "KMsurv::lifetab example (Klein and Moeschberger, table 5.7); entered 927")
write_table(lifetab_frame(lifetab(tis, nsubs[1], nlost, nevent), tis), "lifetab-expected.csv",
	    "lifetab(tis, 927, nlost, nevent)")
breaks <- c(seq(0, 1000, by = 100), NA)
k <- findInterval(lung$time, breaks[1:11])
ev <- tabulate(k[lung$status == 2], 11)
lost <- tabulate(k[lung$status == 1], 11)
write_table(lifetab_frame(lifetab(breaks, nrow(lung), lost, ev), breaks), "lifetab-lung.csv",
	    "lifetab(c(seq(0, 1000, 100), NA), 228, ...) on survival::lung, counts by findInterval")

# --- relsurv: Ederer II and Pohar Perme ------------------------------------
cuts <- attr(slopop, "cutpoints")
years <- as.integer(dimnames(slopop)$year)
stopifnot(all(as.numeric(cuts[[2]]) == as.numeric(as.Date(paste0(years, "-01-01")) - as.Date("1960-01-01"))))
stopifnot(all(abs(cuts[[1]] - 365.241 * (seq_along(cuts[[1]]) - 1)) < 1e-9))
rt <- expand.grid(age = seq_len(dim(slopop)[1]) - 1, year = years, sex = 1:2)
rt$mx <- as.vector(slopop) * 365.241
write_table(rt[, c("year", "sex", "age", "mx")], "slopop.csv",
	    "relsurv::slopop (Slovene population), daily hazards times 365.241 as annual rates mx")
iso <- function(d) format(as.Date(as.numeric(d), origin = "1960-01-01"))
write_table(data.frame(time = rdata$time, cens = rdata$cens, age = rdata$age, sex = rdata$sex,
		       year = iso(rdata$year), agegr = rdata$agegr),
	    "rdata.csv", "relsurv::rdata; age in years, year the date of diagnosis")
write_table(data.frame(time = colrec$time, stat = colrec$stat, age = sprintf("%.17g", colrec$age),
		       sex = colrec$sex, diag = iso(colrec$diag), stage = colrec$stage, site = colrec$site),
	    "colrec.csv", "relsurv::colrec; age in days, diag the date of diagnosis")
net <- function(fit) data.frame(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
				 surv = fit$surv, std_err = fit$surv * fit$std.err,
				 lower = fit$lower, upper = fit$upper)
for (m in c("ederer2", "pohar-perme")) {
	f <- rs.surv(Surv(time, cens) ~ 1, rmap = list(age = age * 365.241), ratetable = slopop,
		     data = rdata, method = m)
	write_table(net(f), paste0("net-rdata-", m, ".csv"),
		    paste0("rs.surv(Surv(time, cens) ~ 1, rmap = list(age = age * 365.241), slopop, rdata, method = \"", m, "\")"))
	f <- rs.surv(Surv(time, stat) ~ 1, rmap = list(age = age, year = diag), ratetable = slopop,
		     data = colrec, method = m, conf.type = "log-log")
	write_table(net(f), paste0("net-colrec-", m, ".csv"),
		    paste0("rs.surv(Surv(time, stat) ~ 1, rmap = list(age = age, year = diag), slopop, colrec, method = \"", m, "\", conf.type = \"log-log\")"))
}

# --- age-standardised net survival (ICSS 1) --------------------------------
# Pohar Perme per ICSS age group (15-44, 45-54, 55-64, 65-74, 75+ at diagnosis),
# weighted with the ICSS 1 weights of data/survival/icss-weights.csv summed into
# those groups; standard error sqrt(sum w^2 se^2), log bounds on se / S.
icss <- read.csv("data/survival/icss-weights.csv", comment.char = "#")
icss_group <- function(age_years) findInterval(age_years, c(15, 45, 55, 65, 75))
w <- tapply(icss$ICSS1, factor(icss_group(icss$age), levels = 1:5), sum)
w[is.na(w)] <- 0
w <- w / sum(w)
at <- c(365, 1826, 3652)
grp <- icss_group(colrec$age / 365.241)
rows <- NULL
for (k in 1:5) {
	f <- rs.surv(Surv(time, stat) ~ 1, rmap = list(age = age, year = diag), ratetable = slopop,
		     data = colrec[grp == k, ], method = "pohar-perme")
	i <- findInterval(at, f$time)
	rows <- rbind(rows, data.frame(k = k, t = at, s = ifelse(i > 0, f$surv[pmax(i, 1)], 1),
				       se = ifelse(i > 0, (f$surv * f$std.err)[pmax(i, 1)], 0)))
}
std <- do.call(rbind, lapply(at, function(t) {
	r <- rows[rows$t == t, ]
	s <- sum(w[r$k] * r$s)
	se <- sqrt(sum(w[r$k]^2 * r$se^2))
	z <- qnorm(0.975)
	data.frame(time = t, surv = s, std_err = se, lower = exp(log(s) - z * se / s),
		   upper = exp(log(s) + z * se / s))
}))
write_table(std, "net-colrec-icss1.csv",
	    "ICSS 1 age-standardised Pohar Perme net survival on colrec (per-group rs.surv, weighted)")
