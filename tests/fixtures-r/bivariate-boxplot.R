# Oracle values for src/stats/bivariate-boxplot.ts — an independent R implementation of the
# bivariate boxplot as midas v2.00 `bvbox` computes it (Goldberg & Iglewicz 1992,
# doi:10.1080/00401706.1992.10485280; formulas in /shared/research/METHODS.md (f)), never values
# computed by metadx. Coordinates: y = logit sensitivity, x = logit specificity after adding 0.5 to
# all four cells of studies with a zero cell (midas zcf). The radius smoother is an OLS fit by lm().
# Flags: a study is outside the hinge (fence) when sqrt(sum^2 + diff^2) > rhat^(3/2) (1.58 rhat^(3/2)).
# Run from the repository root:  Rscript tests/fixtures-r/bivariate-boxplot.R
# Writes tests/fixtures-r/bivariate-boxplot.json.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

mad0 <- function(v) median(abs(v - median(v)))   # unscaled MAD, as midas

bvbox <- function(y, x, fence = 1.58) {
  ymed <- median(y); ymad <- mad0(y); xmed <- median(x); xmad <- mad0(x)
  s <- (y - ymed) / ymad; sx <- (x - xmed) / xmad
  diff <- s - sx; dmad <- mad0(diff); diff <- diff / dmad
  sum <- s + sx; smad <- mad0(sum); sum <- sum / smad
  radius <- sqrt(sum^2 + diff^2)^(2 / 3)
  theta <- atan2(diff, sum)
  fit <- lm(radius ~ sin(theta) + cos(theta))
  sm <- fitted(fit)
  R <- sm^(3 / 2)
  back <- function(RR) {
    d <- dmad * RR * sin(theta); su <- smad * RR * cos(theta)
    o <- order(theta)
    xs <- xmed + xmad * (su - d) / 2; ys <- ymed + ymad * (su + d) / 2
    list(logit_spec = c(xs[o], xs[o][1]), logit_sens = c(ys[o], ys[o][1]))
  }
  rho <- sqrt(sum^2 + diff^2)
  list(centre = list(logit_sens = ymed, logit_spec = xmed), theta = theta, radius = rho,
       hinge_radius = unname(R), fence_radius = unname(fence * R),
       outside_hinge = unname(rho > R), outside_fence = unname(rho > fence * R),
       hinge = back(R), fence = back(fence * R))
}

out <- list(generated_by = "tests/fixtures-r/bivariate-boxplot.R", R = R.version.string, datasets = list())
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(f, stringsAsFactors = FALSE)
  z <- d$tp == 0 | d$fp == 0 | d$fn == 0 | d$tn == 0
  tp <- d$tp + 0.5 * z; fp <- d$fp + 0.5 * z; fn <- d$fn + 0.5 * z; tn <- d$tn + 0.5 * z
  out$datasets[[sub("\\.csv$", "", basename(f))]] <- bvbox(log(tp / fn), log(tn / fp))
}
jsonlite::write_json(out, file.path(here, "bivariate-boxplot.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(out$datasets), "datasets\n")
