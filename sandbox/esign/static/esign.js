// サンドボックス電子契約: the 署名者 rows (署名者を追加 / 削除, renumbered).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-signers-form]");
  if (!form) return;
  const rows = document.getElementById("signer-rows");
  const rowTemplate = document.getElementById("signer-template");
  // Labels of the UI version on screen, e.g. {name: "氏名"} → "氏名 1".
  const LABELS = { name: rows.dataset.labelName, email: rows.dataset.labelEmail, order: rows.dataset.labelOrder };

  const allRows = () => Array.from(rows.querySelectorAll('tr[data-testid="signer-form-row"]'));
  const orderOf = (row) => row.querySelector('[data-field="order"]');

  function renumber() {
    const all = allRows();
    all.forEach((row, i) => {
      row.querySelector("[data-row-number]").textContent = String(i + 1);
      for (const [field, label] of Object.entries(LABELS)) {
        const control = row.querySelector(`[data-field="${field}"]`);
        const id = `signers-${i}-${field}`;
        control.name = id;
        control.id = id;
        control.setAttribute("aria-label", `${label} ${i + 1}`);
        const error = control.parentElement.querySelector(".field-error");
        if (error) {
          error.id = `${id}-error`;
          control.setAttribute("aria-describedby", error.id);
        }
      }
      row.querySelector("[data-remove-signer]").hidden = all.length === 1;
    });
  }

  document.getElementById("add-signer").addEventListener("click", () => {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    rows.appendChild(row);
    renumber();
    orderOf(row).value = String(allRows().length); // the next one in line
    row.querySelector('[data-field="name"]').focus();
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-signer]");
    if (!button) return;
    // Orders still as given by default (1..n down the rows) stay so after the removal; typed ones are kept.
    const sequential = allRows().every((row, i) => orderOf(row).value.trim() === String(i + 1));
    button.closest("tr").remove();
    if (sequential) allRows().forEach((row, i) => { orderOf(row).value = String(i + 1); });
    renumber();
  });
});
