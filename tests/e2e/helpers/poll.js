'use strict';

// Waiting for something that happens elsewhere (an SMS, a mail, a server coming back):
// resolves to the first truthy value of `find()`, asked every `everyMs`; throws `what`
// after `withinMs`. `find` may itself throw to stop early.
module.exports = async (find, what, { withinMs = 5000, everyMs = 50 } = {}) => {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
