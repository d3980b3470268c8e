// Record-an-exercise form: the aggregate price as the user types, and the exercisable
// shares for the chosen date (from the grant's own rules, via a JSON endpoint).
(function () {
  "use strict";
  const form = document.getElementById("exercise-form");
  if (!form) return;
  const shares = form.querySelector("[name=shares]");
  const when = form.querySelector("[name=exercise_date]");
  const output = document.getElementById("aggregate-price");
  const cents = Math.round(parseFloat(form.dataset.price) * 10000);
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  const count = new Intl.NumberFormat("en-US");

  function showPrice() {
    const text = shares.value.replace(/,/g, "").trim();
    if (!/^\d+$/.test(text)) {
      output.textContent = text ? "whole shares only" : "—";
      return;
    }
    // Integer arithmetic in ten-thousandths of a dollar: no floating-point drift.
    output.textContent = money.format((BigInt(text) * BigInt(cents)).toString() / 10000);
  }

  let latest = 0; // answers can arrive out of order: only the newest request's counts

  async function showTerms() {
    if (!when.value) return;
    const asked = ++latest;
    const response = await fetch(form.dataset.termsUrl + "?on=" + encodeURIComponent(when.value));
    if (!response.ok || asked !== latest) return;
    const terms = await response.json();
    if (asked !== latest) return;
    document.getElementById("terms-date").textContent = terms.date;
    document.getElementById("exercisable-shares").textContent = count.format(terms.exercisable);
    document.getElementById("exercisable-why").textContent = terms.why;
    document.getElementById("outstanding-shares").textContent = count.format(terms.outstanding);
  }

  shares.addEventListener("input", showPrice);
  when.addEventListener("change", showTerms);
  showPrice();
})();
