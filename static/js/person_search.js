// Name boxes (compensation.forms.PersonNameInput): as one types, the names on record that
// contain the text are offered in the box's list of suggestions.
(function () {
  "use strict";
  for (const input of document.querySelectorAll("input[data-person-search]")) {
    const suggestions = document.getElementById(input.getAttribute("list"));
    let timer = null;
    let asked = "";

    async function suggest() {
      const text = input.value.trim();
      if (!text || text === asked) return;
      asked = text;
      const response = await fetch(input.dataset.personSearch + "?q=" + encodeURIComponent(text));
      if (!response.ok) return;
      const { names } = await response.json();
      suggestions.replaceChildren(
        ...names.map((name) => {
          const option = document.createElement("option");
          option.value = name;
          return option;
        }),
      );
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  }
})();
