# Oracle for leave-one-out refits and Cook's distance of the bivariate binomial GLMM (Laplace).
# Cook's distance as metafor's cooks.distance.rma.mv: D_i = (b - b_(-i))' Var(b)^-1 (b - b_(-i)),
# Var(b) = vcov of the full fit (lme4 use.hessian = TRUE). Fits with lme4::glmer (nAGQ = 1).
# Run: Rscript tests/fixtures-r/cooks-distance.R  (writes cooks-distance.json next to this file)
suppressPackageStartupMessages(library(lme4))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
fit_glmm <- function(d) {
  long <- rbind(
    data.frame(study = d$study, true = d$tp, n = d$tp + d$fn, sens = 1, spec = 0),
    data.frame(study = d$study, true = d$tn, n = d$tn + d$fp, sens = 0, spec = 1))
  glmer(cbind(true, n - true) ~ 0 + sens + spec + (0 + sens + spec | study), data = long, family = binomial,
        nAGQ = 1, control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5)))
}
out <- list()
for (name in c("scheidler_lag", "dementia")) {
  d <- read.csv(file.path(here, "..", "reference", "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  full <- fit_glmm(d)
  b <- fixef(full)
  V <- as.matrix(vcov(full, use.hessian = TRUE))
  rows <- lapply(seq_len(nrow(d)), function(i) {
    f <- fit_glmm(d[-i, ])
    bi <- fixef(f)
    delta <- b - bi
    list(study = d$study[i], mu_sens = unname(bi[1]), mu_spec = unname(bi[2]),
         logLik = as.numeric(logLik(f)), cooks_distance = as.numeric(t(delta) %*% solve(V) %*% delta))
  })
  out[[name]] <- list(mu = unname(b), vcov = unname(V), logLik = as.numeric(logLik(full)), leave_one_out = rows)
}
out$versions <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")))
json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x)) && all(names(x) != "")) return(paste0("{", paste0('"', names(x), '":', sapply(x, json), collapse = ","), "}"))
    return(paste0("[", paste0(sapply(x, json), collapse = ","), "]"))
  }
  if (is.matrix(x)) return(json(lapply(seq_len(nrow(x)), function(r) x[r, ])))
  if (is.character(x)) return(if (length(x) == 1) paste0('"', x, '"') else paste0("[", paste0('"', x, '"', collapse = ","), "]"))
  v <- formatC(x, digits = 15, format = "g")
  if (length(x) == 1) v else paste0("[", paste0(v, collapse = ","), "]")
}
writeLines(json(out), file.path(here, "cooks-distance.json"))
