// The shop's own code: the "Place order" button must keep working whatever the widget does.
// Placing the order takes the customer to the order page (order.html), where the survey asks once
// the order is delivered; nothing asks while they are buying (the widget's trigger is manual here).
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('checkout-form');
  const status = document.getElementById('order-status');
  let orders = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    orders += 1;
    const id = `A-${1041 + orders}`;
    const name = form.elements.namedItem('name').value.trim() || 'customer';
    status.textContent = `Order ${id} placed. Thank you, ${name}!`;
    setTimeout(() => { location.href = `/www/order.html?order=${id}`; }, 1500);
  });
});
