# Loads every CSV of an output folder with readr::read_csv and reports parsing problems and the
# column types readr guessed. Usage: Rscript scripts/check_readr.R [output]
# (needs R with readr: on Debian `apt-get install r-cran-readr`). Empty cells (open period dates,
# sentences without notes) are read as NA by readr's defaults; `mine` never writes a literal NA.
suppressMessages(library(readr))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "output"
bad <- 0
for (f in c("passages", "hits", "period_frequencies", "period_categories",
            "doc_period_frequencies", "keyness")) {
  d <- read_csv(file.path(out, paste0(f, ".csv")), show_col_types = FALSE, progress = FALSE)
  p <- problems(d)
  bad <- bad + nrow(p)
  types <- sapply(d, function(x) class(x)[1])
  cat(sprintf("%-24s %6d rows %3d columns, %d parsing problems\n", f, nrow(d), ncol(d), nrow(p)))
  cat("   ", paste(names(types), types, sep = ":", collapse = " "), "\n")
}
quit(status = if (bad == 0) 0 else 1)
