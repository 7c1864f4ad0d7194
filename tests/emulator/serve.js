// Starts the telegram-test-api Bot API emulator for tests/test_emulator.py.
//
//   node tests/emulator/serve.js [--as-is] [HOST]
//
// Listens on HOST (default 127.0.0.1) on a port the system chooses, prints one JSON line
// {"port": N} to stdout once it accepts connections, and exits on SIGTERM, SIGINT or when its
// stdin closes (so it never outlives the test that started it).
//
// A bot talks to   http://HOST:N/bot<token>/<method>   (TELEGRAM_API_BASE_URL=http://HOST:N/bot);
// any token is accepted. A test plays the user through the emulator's own client routes on
// http://HOST:N/ : POST /sendCommand, /sendMessage, /sendCallback (a user's message, command or
// button press) and /getUpdates, /getUpdatesHistory (what the bot sent), all JSON.
//
// Every request is handled by the emulator. A few of its answers break the published Bot API
// (https://core.telegram.org/bots/api) so that no typed client can read them; unless --as-is is
// given, only those answers are corrected on their way out, each as the Bot API documents it:
//   getMe            the User lacks the required `is_bot`                    -> is_bot: true
//   sendMessage      the Message has `date` in milliseconds and echoes the     -> a Message: message_id,
//                    request's form fields (e.g. link_preview_options as a       date in seconds, chat,
//                    JSON string)                                              from (the bot), text,
//                                                                              reply_markup, thread id
//   editMessageText  result null (the Bot API returns the edited Message)    -> the edited Message
//   getUpdates       a callback_query lacks the required `chat_instance`     -> the chat's id, as text
// Nothing else is changed: methods the emulator does not implement still fail as it makes them
// fail (HTTP 500, {"message": "API method '…' is not supported. …"}).
//
// GET /_launcher/calls answers {"<method>": {"<HTTP status>": count}} for every Bot API request
// so far, so a test can see which methods the bot called and which ones the emulator refused.
'use strict';

const http = require('http');
const TelegramServer = require('telegram-test-api');

const BOT_PATH = /^\/bot([^/]+)\/([A-Za-z]+)\/?(?:\?.*)?$/;

function botUser() {
  return { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' };
}

function asMessage(sent) {
  // The Bot API's Message for a text message the bot sent, from what the emulator stored.
  const message = {
    message_id: Number(sent.message_id),
    date: sent.date > 1e11 ? Math.floor(sent.date / 1000) : sent.date,
    chat: sent.chat,
    from: botUser(),
    text: sent.text,
  };
  if (sent.reply_markup && typeof sent.reply_markup === 'object' && 'inline_keyboard' in sent.reply_markup) {
    message.reply_markup = sent.reply_markup;
  }
  if (sent.message_thread_id !== undefined && Number.isFinite(Number(sent.message_thread_id))) {
    message.message_thread_id = Number(sent.message_thread_id);
  }
  return message;
}

const FIXES = {
  getMe: (body) => ({ ...body, result: { ...botUser(), ...body.result, is_bot: true } }),
  sendMessage: (body) => ({ ...body, result: asMessage(body.result) }),
  editMessageText: (body, req, emulator) => {
    if (body.result !== null) return body;
    const chatId = String(req.body && req.body.chat_id);
    const messageId = String(req.body && req.body.message_id);
    const stored = emulator.storage.botMessages.find(
      (m) => String(m.messageId) === messageId && String(m.message.chat_id) === chatId,
    );
    if (!stored) return { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' };
    return {
      ...body,
      result: asMessage({
        ...stored.message,
        message_id: stored.messageId,
        date: stored.time,
        chat: { id: Number(stored.message.chat_id), first_name: 'Bot', type: 'private' },
      }),
    };
  },
  getUpdates: (body) => ({
    ...body,
    result: body.result.map((update) => {
      const query = update.callback_query;
      if (!query || query.chat_instance !== undefined) return update;
      const chat = query.message && query.message.chat ? query.message.chat.id : query.from.id;
      return { ...update, callback_query: { ...query, chat_instance: String(chat) } };
    }),
  }),
};

function correct(req, res, emulator) {
  const match = BOT_PATH.exec(req.url);
  const fix = match && FIXES[match[2]];
  if (!fix) return;
  const end = res.end;
  res.end = function rewritten(chunk, encoding, callback) {
    res.end = end;
    if (chunk === undefined || chunk === null || typeof chunk === 'function') {
      return end.call(this, chunk, encoding, callback);
    }
    let text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    try {
      const body = JSON.parse(text);
      if (body && body.ok === true) {
        const fixed = fix(body, req, emulator);
        text = JSON.stringify(fixed);
        if (fixed.ok === false && !res.headersSent) res.statusCode = fixed.error_code;
      }
    } catch (error) {
      process.stderr.write(`emulator launcher: left an answer to ${match[2]} as it was: ${error}\n`);
    }
    if (!res.headersSent) {
      res.removeHeader('ETag');
      res.setHeader('Content-Length', Buffer.byteLength(text));
    }
    return end.call(this, text, 'utf8', typeof encoding === 'function' ? encoding : callback);
  };
}

async function main() {
  const args = process.argv.slice(2);
  const asIs = args.includes('--as-is');
  const host = args.find((a) => !a.startsWith('--')) || '127.0.0.1';
  // The emulator's own express app answers every request; only its port is chosen by the system
  // (its `port: 0` would mean 9000), so we listen ourselves and hand each request to it.
  const emulator = new TelegramServer({ host, storeTimeout: 600 });
  const calls = {};
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/_launcher/calls') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(calls));
      return;
    }
    const match = BOT_PATH.exec(req.url);
    if (match) {
      res.on('finish', () => {
        const counts = calls[match[2]] || (calls[match[2]] = {});
        counts[res.statusCode] = (counts[res.statusCode] || 0) + 1;
      });
    }
    if (!asIs) correct(req, res, emulator);
    emulator.webServer(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address();
  emulator.config.port = port;
  emulator.config.apiURL = `http://${host}:${port}`;

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 1000).unref();
    server.close(() => process.exit(0));
    if (server.closeAllConnections) server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();

  process.stdout.write(`${JSON.stringify({ port, asIs })}\n`);
}

main().catch((error) => {
  process.stderr.write(`emulator failed to start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
