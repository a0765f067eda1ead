// benign: category=cryptomining max-plugin=100 max-package=79
// why: a wallet UI subscribes to new block headers over a node's JSON-RPC WebSocket.
export function watchBlocks(onBlock, url = 'wss://node.example/ws') {
  const ws = new WebSocket(url);
  let id = 0;
  const call = (method, params = []) =>
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }));

  ws.onopen = () => call('eth_subscribe', ['newHeads']);
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.method === 'eth_subscription') {
      const head = msg.params.result;
      onBlock({ number: parseInt(head.number, 16), hash: head.hash, time: parseInt(head.timestamp, 16) });
    }
  };
  return () => ws.close();
}
