// Rinde back-office: small progressive enhancements (the pages work without JavaScript).
// After a refused form, put the keyboard focus on the first field with an error.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid instanceof HTMLElement) {
    const details = invalid.closest("details");
    if (details) details.open = true;
    invalid.focus();
  }
});
