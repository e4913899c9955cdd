// Starts Swagger UI on the {API_ROOT}/docs page. A file rather than an inline script, so the
// page's Content-Security-Policy can keep script-src 'self'.
window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-openapi-url'),
    dom_id: '#swagger-ui',
    defaultModelsExpandDepth: 0,
    deepLinking: true,
  });
});
