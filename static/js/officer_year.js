// A yearly record's form: last year's salary and bonus for the fiscal year typed, and the
// change in $ and % from that salary as the base salary is typed (as the roster shows it).
(function () {
  "use strict";
  const form = document.getElementById("officer-year-form");
  const data = document.getElementById("officer-salaries");
  if (!form || !data) return;
  const salaries = JSON.parse(data.textContent);
  const year = form.querySelector("[name=fiscal_year]");
  const salary = form.querySelector("[name=base_salary]");
  const show = (id, text) => { document.getElementById(id).textContent = text; };

  // Amounts in cents, as BigInt: exact, whatever the size the form accepts.
  function cents(text) {
    const clean = String(text).trim().replace(/^\$\s*/, "").replace(/,/g, "");
    const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean);
    if (!match) return null;
    return BigInt(match[1]) * 100n + BigInt((match[2] || "").padEnd(2, "0"));
  }

  function money(value) {
    const negative = value < 0n;
    const abs = negative ? -value : value;
    const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    // Dollars and cents always, as every amount on the server's pages.
    const tail = "." + (abs % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + "$" + dollars + tail;
  }

  function signed(value) {
    return (value > 0n ? "+" : "") + money(value);
  }

  // Tenths of a percent, rounded half away from zero as the server rounds.
  function percent(change, base) {
    const negative = change < 0n;
    const abs = negative ? -change : change;
    const tenths = (abs * 2000n + base) / (2n * base);
    if (tenths === 0n) return "0.0%";
    const text = (tenths / 10n).toString() + "." + (tenths % 10n).toString() + "%";
    return (negative ? "-" : "+") + text;
  }

  function update() {
    const typedYear = parseInt(year.value, 10);
    const prior = Number.isInteger(typedYear) ? salaries[String(typedYear - 1)] : undefined;
    show("prior-year", Number.isInteger(typedYear) ? String(typedYear - 1) : "—");
    const priorSalary = prior && prior.salary !== null ? cents(prior.salary) : null;
    show("prior-salary", priorSalary === null ? "—" : money(priorSalary));
    show("prior-bonus", prior ? (prior.bonus === null ? "n/a" : money(cents(prior.bonus))) : "—");
    const typed = cents(salary.value);
    if (priorSalary === null || typed === null) {
      show("salary-change", "—");
      show("salary-change-pct", "—");
      return;
    }
    const change = typed - priorSalary;
    show("salary-change", signed(change));
    show("salary-change-pct", priorSalary === 0n ? "—" : percent(change, priorSalary));
  }

  year.addEventListener("input", update);
  salary.addEventListener("input", update);
  update();
})();
