'use strict';

// Shared by the plugin's content types: out of the admin's menus (content manager and
// content-type builder), because their rows are security state, not content. This only
// hides them; what keeps them private (no GraphQL, no content-manager permission for any
// admin, no document-service access) is private-tables.js, and the self-check proves it.
module.exports = {
  pluginOptions: {
    'content-manager': { visible: false },
    'content-type-builder': { visible: false },
  },
  options: { draftAndPublish: false },
};
