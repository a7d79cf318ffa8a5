// The shop's own code: the "Place order" button must keep working whatever the widget does.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('checkout-form');
  const status = document.getElementById('order-status');
  let orders = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    orders += 1;
    const name = form.elements.namedItem('name').value.trim() || 'customer';
    status.textContent = `Order A-${1041 + orders} placed. Thank you, ${name}!`;
  });
});
