'use strict';

/**
 * A destination as the client may see it: `+1•••••4567`, `a•••@example.com`. Enough for
 * the user to recognise, too little to learn a stranger's number or address.
 */
module.exports = (method, destination) => {
  if (method === 'email') {
    const at = destination.lastIndexOf('@');
    return `${destination.slice(0, Math.min(1, at))}•••${destination.slice(at)}`;
  }
  const digits = destination.replace(/[^\d+]/g, '');
  const head = digits.startsWith('+') ? digits.slice(0, 2) : '';
  return `${head}${'•'.repeat(Math.max(digits.length - head.length - 4, 3))}${digits.slice(-4)}`;
};
