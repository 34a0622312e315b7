// Stand-in for static/js/compare-picker.js: the golden tree checks our pages, not the script,
// but every page's links must resolve (the build checks them).
