// Search pickers (core/widgets.py): typing asks the page's search address for the first matches; a tap
// on one keeps its id in the hidden input. Clearing the box clears the choice.
for (const picker of document.querySelectorAll(".picker[data-pick-url]")) {
  const hidden = picker.querySelector("input[type=hidden]");
  const box = picker.querySelector(".pick-search");
  const list = picker.querySelector(".pick-results");
  let asked = 0;
  box.addEventListener("input", async () => {
    const text = box.value.trim();
    if (!text) { hidden.value = ""; list.hidden = true; return; }
    const mine = ++asked;
    const url = new URL(picker.dataset.pickUrl, location.href);
    url.searchParams.set("q", text);
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (mine !== asked || !response.ok) return; // a later keystroke asked again
    const found = await response.json();
    list.replaceChildren(...found.map((item) => {
      const row = document.createElement("li");
      row.setAttribute("role", "option");
      row.tabIndex = 0;
      row.textContent = item.label;
      const choose = () => { hidden.value = item.id; box.value = item.label; list.hidden = true; };
      row.addEventListener("click", choose);
      row.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); choose(); } });
      return row;
    }));
    list.hidden = found.length === 0;
  });
}
