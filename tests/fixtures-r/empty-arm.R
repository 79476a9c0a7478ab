# Tables with an empty arm in the bivariate GLMM: glmer keeps the arm a table has (rows with n = 0
# carry no likelihood). Data: scheidler_lag with two rows replaced by single-arm tables (one without
# diseased, one without non-diseased participants).
#   Rscript tests/fixtures-r/empty-arm.R  -> empty-arm.json       (R 4.2.2, lme4 1.1-31)
suppressMessages(library(lme4))
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
d <- read.csv(file.path(here, "..", "reference", "datasets", "scheidler_lag.csv"))
d[1, c("tp", "fn")] <- 0          # no diseased participants
d[2, c("fp", "tn")] <- 0          # no non-diseased participants
L <- data.frame(study = factor(rep(seq_len(nrow(d)), each = 2)), sens = rep(c(1, 0), nrow(d)), spec = rep(c(0, 1), nrow(d)),
                y = as.vector(rbind(d$tp, d$tn)), n = as.vector(rbind(d$tp + d$fn, d$tn + d$fp)))
L <- L[L$n > 0, ]  # (check.nobs.vs.nRE = "ignore": fewer arms than random effects is fine here) an arm without participants has no binomial observation
m <- glmer(cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | study), data = L, family = binomial,
           control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5), check.nobs.vs.nRE = "ignore"))
vc <- VarCorr(m)$study; V <- as.matrix(vcov(m, use.hessian = TRUE))
out <- list(description = "see the header of empty-arm.R", versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))),
            counts = d[, c("study", "tp", "fp", "fn", "tn")],
            glmer_laplace = list(mu = unname(fixef(m)), se = unname(sqrt(diag(V))), tau2 = unname(diag(vc)), rho = attr(vc, "correlation")[1, 2], logLik = as.numeric(logLik(m))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "empty-arm.json"))
