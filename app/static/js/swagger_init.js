/* Starts Swagger UI on /api/v1/docs (a script file: the Content-Security-Policy runs no inline script). */
(function () {
  'use strict';
  const container = document.getElementById('swagger-ui-container');
  const extra = JSON.parse(document.getElementById('swagger-ui-config').textContent || '{}');
  window.addEventListener('load', () => {
    window.ui = window.SwaggerUIBundle(Object.assign(
      { url: container.dataset.specUrl, dom_id: '#swagger-ui-container' }, extra));
  });
})();
