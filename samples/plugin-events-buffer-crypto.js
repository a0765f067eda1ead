// sample: Plugin: sign webhook events with events, buffer and crypto
// expect-outcome: ok
// expect-value: {"delivered":3,"bytes":126,"signatures":["666c24cae62c","90deae4aa161","34a978b03d51"],"digest":"4e9f3fdfc6a98084bf96d999fdc6067cbdb71f90397e8ecd8c56a240e4228233","verified":true}
// expect-blocked: none
// expect-verdict: allow
//
// An honest plugin that uses three host modules together: an EventEmitter queues webhook
// events, each body becomes a Buffer, and crypto signs it with HMAC-SHA256 (computed by the
// host) and checks the signature in constant time. Nothing here reaches the filesystem, the
// network or the process: the modules are pure, loaded on first require.
const EventEmitter = require('events');
const { Buffer } = require('buffer');
const crypto = require('crypto');

class Outbox extends EventEmitter {
  constructor(secret) {
    super();
    this.secret = secret;
    this.sent = [];
  }
  publish(type, payload) {
    const body = Buffer.from(JSON.stringify({ type, payload }));
    const signature = crypto.createHmac('sha256', this.secret).update(body).digest('hex');
    this.emit('deliver', { body, signature });
  }
}

const outbox = new Outbox('whsec_demo');
outbox.on('deliver', (msg) => outbox.sent.push(msg));
outbox.publish('order.created', { id: 1 });
outbox.publish('order.paid', { id: 1 });
outbox.publish('order.shipped', { id: 1 });

const all = Buffer.concat(outbox.sent.map((m) => m.body));
const last = outbox.sent[outbox.sent.length - 1];
const expected = Buffer.from(crypto.createHmac('sha256', 'whsec_demo').update(last.body).digest('hex'));
({
  delivered: outbox.sent.length,
  bytes: all.length,
  signatures: outbox.sent.map((m) => m.signature.slice(0, 12)),
  digest: crypto.createHash('sha256').update(all).digest('hex'),
  verified: crypto.timingSafeEqual(Buffer.from(last.signature), expected),
});
