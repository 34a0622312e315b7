// Stand-in for static/js/search.js: the golden tree checks our pages, not the script,
// but every page's links must resolve (the build checks them).
