/* The poster's Print button (a script file: the Content-Security-Policy runs no inline handler). */
(function () {
  'use strict';
  const button = document.getElementById('print-button');
  if (button) button.addEventListener('click', () => window.print());
})();
