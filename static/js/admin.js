"use strict";
// The admin's autocomplete boxes (Select2) name their combobox after the chosen value only: with
// nothing chosen a screen reader hears no name. Name each by its field's label as well.
{
  const name = (select) => {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = document.getElementById(`select2-${select.id}-container`);
    if (!label || !box) return;
    label.id = label.id || `${select.id}_label`;
    box.setAttribute("aria-labelledby", label.id);
    const combobox = box.closest("[role=combobox]");
    if (combobox) combobox.setAttribute("aria-labelledby", `${label.id} ${box.id}`);
  };

  const nameAll = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) name(select);
  };

  if (window.django && window.django.jQuery) {
    // After the admin's own ready handler (autocomplete.js), which builds the boxes.
    window.django.jQuery(() => nameAll(document));
    document.addEventListener("formset:added", (event) => nameAll(event.target));
  }
}
