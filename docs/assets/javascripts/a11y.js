// Accessibility fixes for elements Material and mkdocs-jupyter create in the browser, each
// found by axe-core in tests/test_browser.py. Runs on every page, instant navigation included.
document$.subscribe(() => {
  // aria-dialog-name: the search overlay is a dialog and needs a name.
  document.querySelector(".md-search[role=dialog]")?.setAttribute("aria-label", "Search")
  // link-name: code-annotation markers are links whose only text is a CSS counter.
  document.querySelectorAll(".md-annotation__index").forEach((link, index) => {
    link.setAttribute("aria-label", `Annotation ${index + 1}`)
  })
  // scrollable-region-focusable: wide notebook cells and tab bars scroll; keyboard users must
  // be able to reach them.
  document.querySelectorAll(".highlight-ipynb, .jp-OutputArea-output, .tabbed-labels")
    .forEach(region => {
      if (region.scrollWidth > region.clientWidth) region.setAttribute("tabindex", "0")
    })
})
