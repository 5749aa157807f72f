// The recovery codes page: 「印刷する」 prints the page (no inline handlers in the templates).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-two-factor-print]")) {
    window.print();
  }
});
