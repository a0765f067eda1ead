// benign: category=network max-plugin=100 max-package=79
// why: a chat widget sends the messages a user types to its chat server over a WebSocket.
export function connectChat(room, onMessage) {
  const ws = new WebSocket(`wss://chat.example/rooms/${encodeURIComponent(room)}`);
  const queue = [];
  ws.addEventListener('open', () => {
    while (queue.length) ws.send(queue.shift());
  });
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'chat') onMessage(msg);
  });
  return {
    say(text) {
      const frame = JSON.stringify({ type: 'chat', text: text.slice(0, 2000), at: Date.now() });
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      else queue.push(frame);
    },
    close: () => ws.close(1000, 'bye'),
  };
}
