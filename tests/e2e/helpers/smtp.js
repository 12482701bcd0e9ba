'use strict';

// A real SMTP server on 127.0.0.1 (the smtp-server package) that keeps what it receives,
// so e-mail codes are read from the message Strapi's nodemailer provider really sent.
const { SMTPServer } = require('smtp-server');
const poll = require('./poll');

const start = async () => {
  const mails = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk) => (raw += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(server.server.address().port), SMTP_IGNORE_TLS: 'true' },
    mails,
    /**
     * The newest mail to `to` after `since` mails whose text (quoted-printable line breaks
     * undone) matches `pattern`; waits up to 5 s. Returns `{ to, raw, text }`.
     */
    mailTo(to, since, pattern = /./) {
      const find = () =>
        mails
          .slice(since)
          .map((m) => ({ ...m, text: m.raw.replace(/=\r?\n/g, '') }))
          .filter((m) => m.to.includes(to) && pattern.test(m.text))
          .pop();
      return poll(find, `no mail to ${to} matching ${pattern}`);
    },
    /** The code in the newest mail to `to` after `since` mails; waits up to 5 s. */
    async codeFor(to, since) {
      return (await this.mailTo(to, since, /code is \d{6,10}/)).text.match(/code is (\d{6,10})/)[1];
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

module.exports = { start };
