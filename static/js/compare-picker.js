// Compare picker: type two artifact names, go to their comparison page when one exists.
// artifacts.json lists each artifact's name, page and comparison partners.
// The list of names is fetched on first use (a small JSON file), so the home page stays the
// same size however large the catalog. Without JavaScript the form submits to /compare/,
// which lists every comparison page.
const form = document.querySelector("form[data-compare-picker]");

if (form) {
  const status = form.querySelector(".picker-status");
  const datalist = document.getElementById(form.elements.namedItem("a").getAttribute("list"));
  const dataUrl = new URL(form.dataset.artifacts, window.location.href);
  let artifacts = null;

  const load = async () => {
    if (artifacts === null) {
      artifacts = fetch(dataUrl)
        .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
        .then((data) => data.artifacts)
        .catch(() => {
          artifacts = null;
          status.textContent = "The list of artifacts could not be loaded.";
          return [];
        });
    }
    return artifacts;
  };

  const suggest = async (input) => {
    const query = input.value.trim().toLowerCase();
    const all = await load();
    const found = all.filter((a) => a.name.toLowerCase().includes(query) || a.slug.includes(query)).slice(0, 20);
    datalist.replaceChildren(
      ...found.map((a) => {
        const option = document.createElement("option");
        option.value = a.name;
        return option;
      }),
    );
  };

  const resolve = (all, text) => {
    const wanted = text.trim().toLowerCase();
    return all.find((a) => a.name.toLowerCase() === wanted || a.slug === wanted) || null;
  };

  for (const name of ["a", "b"]) {
    const input = form.elements.namedItem(name);
    input.addEventListener("focus", () => load());
    input.addEventListener("input", () => suggest(input));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const all = await load();
    const a = resolve(all, form.elements.namedItem("a").value);
    const b = resolve(all, form.elements.namedItem("b").value);
    if (!a || !b) {
      status.textContent = "Pick two artifacts from the list.";
      return;
    }
    if (a.slug === b.slug) {
      status.textContent = "Pick two different artifacts.";
      return;
    }
    const slug = a.slug < b.slug ? `${a.slug}-vs-${b.slug}` : `${b.slug}-vs-${a.slug}`;
    if (a.with.includes(b.slug)) {
      window.location.href = new URL(`compare/${slug}/`, new URL(form.getAttribute("action") + "../", window.location.href)).href;
    } else {
      status.textContent = "There is no comparison page for this pair yet; see each artifact's page.";
    }
  });
}
