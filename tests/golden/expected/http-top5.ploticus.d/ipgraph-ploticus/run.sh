#!/bin/sh
# run.sh - draw scatterplot.png here with ploticus (Debian: ploticus)
cd "$(dirname "$0")" && exec ploticus -png -o scatterplot.png scatterplot
