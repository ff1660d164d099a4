// The application form: show the guardian block for minors, send the form once.
document.addEventListener("DOMContentLoaded", () => {
  const block = document.getElementById("representative");
  const birth = document.getElementById("id_birth_date");
  if (block && birth) {
    const startsOn = new Date(block.dataset.startsOn);
    const update = () => {
      const born = new Date(birth.value);
      let minor = false;
      if (!Number.isNaN(born.getTime())) {
        const adult = new Date(born);
        adult.setFullYear(born.getFullYear() + 18);
        minor = adult > startsOn;
      }
      // Keep the block visible when it holds an error or something typed.
      const fields = block.querySelectorAll("input:not([type=hidden]), select");
      const filled =
        block.querySelector(".is-invalid") || [...fields].some((field) => field.value);
      block.hidden = !minor && !filled;
    };
    birth.addEventListener("change", update);
    birth.addEventListener("input", update);
    update();
  }
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("[type=submit]")) {
        button.disabled = true;
      }
    });
  }
  const errors = document.getElementById("form-errors");
  if (errors) {
    const first = document.querySelector(".is-invalid");
    (first || errors).focus();
  }
});
