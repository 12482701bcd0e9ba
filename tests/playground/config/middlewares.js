module.exports = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  // The JSON parser's own message quotes the start of a malformed body (a password):
  // answer a plain 400 instead, as the plugin's README recommends.
  { name: 'strapi::body', config: { onError: (error, ctx) => ctx.throw(400, 'The request body is not valid JSON') } },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
