// New grant and new award: "More rows" adds five empty installment rows in the page,
// keeping what is typed (the button still posts where this script does not run), and the
// schedule start follows the grant date until the user sets another start.
(function () {
  "use strict";
  const ROWS_ADDED = 5;
  const body = document.querySelector("#installment-rows tbody");
  const template = document.getElementById("installment-row-template");
  const total = document.querySelector("[name=installments-TOTAL_FORMS]");
  const most = document.querySelector("[name=installments-MAX_NUM_FORMS]");
  const more = document.querySelector("button[name=action][value=more]");

  if (body && template && total && more) {
    more.addEventListener("click", function (event) {
      event.preventDefault();
      const limit = most ? parseInt(most.value, 10) : Infinity;
      let count = parseInt(total.value, 10) || 0;
      let first = null;
      for (let added = 0; added < ROWS_ADDED && count < limit; added++, count++) {
        // Each row's inputs are named installments-N-…: the index the formset reads.
        const html = template.innerHTML
          .replace(/__prefix__/g, String(count))
          .replace(/__number__/g, String(count + 1));
        body.insertAdjacentHTML("beforeend", html);
        first = first || body.lastElementChild;
      }
      total.value = String(count);
      if (first) first.querySelector("input").focus();
    });
  }

  const grantDate = document.querySelector("[name=grant_date]");
  const start = document.querySelector("[name=schedule-start]");
  if (grantDate && start) {
    let previous = grantDate.value;
    const follow = function () {
      if (!start.value || start.value === previous) start.value = grantDate.value;
      previous = grantDate.value;
    };
    grantDate.addEventListener("input", follow);
    grantDate.addEventListener("change", follow);
  }
})();
