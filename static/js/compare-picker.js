// Compare picker: goes straight to the comparison page when one exists for the chosen pair.
// Without JavaScript the form submits to /compare/, which lists every comparison.
const listing = document.getElementById("compare-pages");
const pages = new Set(listing ? JSON.parse(listing.textContent) : []);
const form = document.querySelector("form[data-compare-picker]");

if (form) {
  const status = form.querySelector(".picker-status");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const a = form.elements.namedItem("a").value;
    const b = form.elements.namedItem("b").value;
    if (a === b) {
      status.textContent = "Pick two different artifacts.";
      return;
    }
    const slug = a < b ? `${a}-vs-${b}` : `${b}-vs-${a}`;
    if (pages.has(slug)) {
      window.location.href = new URL(`compare/${slug}/`, new URL(form.getAttribute("action") + "../", window.location.href)).href;
    } else {
      status.textContent = "There is no comparison page for this pair yet; see each artifact's page.";
    }
  });
}
