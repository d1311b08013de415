# tests/data/network/indicators.R: the referral indicators of `fangai network indicators
# --indicator referral`, computed independently in R from the raw referrals and events
# of a synthetic network, into expected-referral.csv (without the institution name and
# the overdue count, which need the failsafe rules).
#
#   Rscript tests/data/network/indicators.R   (from the repository root)
#
# referrals.csv and events.csv are exported from `fangai synth --persons 8000 --seed 11
# --network` run as of 2026-06-30 (tests/cli/network.sh checks that they still are).
dir <- "tests/data/network"
ref <- read.csv(file.path(dir, "referrals.csv"), stringsAsFactors = FALSE)
ev <- read.csv(file.path(dir, "events.csv"), stringsAsFactors = FALSE)
types <- read.csv("data/network/referral-types.csv", comment.char = "#", stringsAsFactors = FALSE)

minutes <- function(t) {
	as.numeric(as.POSIXct(t, format = "%Y-%m-%dT%H:%M", tz = "UTC")) / 60
}
first_at <- function(id, actions) {
	at <- ev$at[ev$referral_id == id & ev$action %in% actions]
	if (length(at) == 0) NA else min(minutes(at))
}
ref$t0 <- minutes(ref$requested_at)
ref$t1 <- sapply(ref$id, first_at, actions = c("accept", "reject"))
ref$t2 <- sapply(ref$id, first_at, actions = "schedule")
ref$t3 <- sapply(ref$id, first_at, actions = "attend")
ref$t4 <- sapply(ref$id, first_at, actions = "complete")
ref$total <- types$total_days[match(ref$kind, types$type)]

fmt <- function(x) if (is.na(x)) "" else sprintf("%.1f", x)
step_median <- function(a, b) {
	d <- (b - a) / 1440
	d <- d[!is.na(d)]
	if (length(d) == 0) NA else median(d)
}
row_of <- function(r, id) {
	completed <- sum(r$state == "completed")
	rejected <- sum(r$state == "rejected")
	cancelled <- sum(r$state == "cancelled")
	ended <- completed + rejected + cancelled
	attended <- !is.na(r$t3)
	within <- sum((r$t3[attended] - r$t0[attended]) / 1440 <= r$total[attended])
	data.frame(institution_id = id, referrals = nrow(r),
		   open = nrow(r) - ended, completed = completed, rejected = rejected,
		   cancelled = cancelled,
		   completion_pct = fmt(if (ended > 0) 100 * completed / ended else NA),
		   accept_days = fmt(step_median(r$t0, r$t1)),
		   schedule_days = fmt(step_median(r$t1, r$t2)),
		   attend_days = fmt(step_median(r$t2, r$t3)),
		   complete_days = fmt(step_median(r$t3, r$t4)),
		   attended = sum(attended),
		   within_target_pct = fmt(if (sum(attended) > 0) 100 * within / sum(attended) else NA))
}
ids <- sort(unique(ref$to_institution_id))
out <- do.call(rbind, c(lapply(ids, function(i) row_of(ref[ref$to_institution_id == i, ], i)),
			list(row_of(ref, ""))))
write.csv(out, file.path(dir, "expected-referral.csv"), row.names = FALSE, quote = FALSE)
