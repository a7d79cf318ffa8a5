// The order page of the example shop: Placed → Shipped → Delivered. The survey asks once the
// order is delivered — not while the customer is buying — with the order id in the answer's
// properties (the e-commerce recipe of the README).
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const params = new URLSearchParams(location.search);
  const given = params.get('order') || '';
  const orderId = /^A-\d{1,9}$/.test(given) ? given : 'A-1042';
  const steps = ['placed', 'shipped', 'delivered'];
  const notes = {
    placed: 'We are packing your order.',
    shipped: 'Your order is on its way.',
    delivered: 'Delivered. Enjoy your coffee!',
  };
  const button = document.getElementById('next-step');
  document.getElementById('order-id').textContent = orderId;
  document.title = `Order ${orderId} · Acme Store`;

  function show(step) {
    steps.forEach((s, i) => {
      const li = document.getElementById(`step-${s}`);
      const done = i <= steps.indexOf(step);
      li.classList.toggle('done', done);
      if (s === step) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
      li.dataset.done = String(done);
    });
    document.getElementById('order-note').textContent = notes[step];
    button.hidden = step === 'delivered';
    // Ask now: the customer has the goods. The answer carries the order id.
    if (step === 'delivered' && window.NpsWidget) window.NpsWidget.show({ order_id: orderId });
  }

  let at = steps.indexOf(params.get('status'));
  if (at < 0) at = 0;
  button.addEventListener('click', () => show(steps[Math.min(++at, steps.length - 1)]));
  show(steps[at]);
});
