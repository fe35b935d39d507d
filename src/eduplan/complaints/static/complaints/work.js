/* Proof of work for the complaint form (common/protection.py, "proof of work"): find a counter
   such that SHA-256("prefix:counter") starts with `bits` zero bits, while the parent fills the form
   in; put it in the hidden "work" field. Sending waits until it is found. A file, not inline script:
   the Content-Security-Policy forbids inline. Pure JavaScript SHA-256, because crypto.subtle exists
   only on HTTPS pages and an office intranet may serve plain HTTP. */
(function () {
  "use strict";
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var H0 = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  ]);
  var w = new Int32Array(64), h = new Int32Array(8), buffer = new Int32Array(32);

  /* The first 32 bits of SHA-256 of an ASCII string, as an unsigned number. */
  function firstWord(msg) {
    var n = msg.length, size = ((n + 8) >> 6) * 16 + 16, i, t, off;
    var words = size <= buffer.length ? buffer.subarray(0, size) : new Int32Array(size);
    words.fill(0);
    for (i = 0; i < n; i++) words[i >> 2] |= msg.charCodeAt(i) << (24 - (i & 3) * 8);
    words[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    words[words.length - 1] = n * 8;
    h.set(H0);
    for (off = 0; off < words.length; off += 16) {
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        if (t < 16) {
          w[t] = words[off + t];
        } else {
          var x = w[t - 15], y = w[t - 2];
          var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
        }
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
    }
    return h[0] >>> 0;
  }

  function start(form) {
    var prefix = form.getAttribute("data-work-prefix") + ":";
    var bits = parseInt(form.getAttribute("data-work-bits"), 10);
    var field = form.querySelector("input[name=work]");
    var status = document.getElementById("work-status");
    var counter = 0, done = false, sendWhenDone = false;
    status.textContent = status.getAttribute("data-running");
    function step() {
      var end = counter + 20000;
      for (; counter < end; counter++) {
        if (firstWord(prefix + counter) >>> (32 - bits) === 0) {
          field.value = String(counter);
          done = true;
          status.textContent = status.getAttribute("data-done");
          if (sendWhenDone) form.submit();
          return;
        }
      }
      setTimeout(step, 0);
    }
    form.addEventListener("submit", function (event) {
      if (!done) {
        event.preventDefault();
        sendWhenDone = true;
        status.textContent = status.getAttribute("data-waiting");
      }
    });
    step();
  }

  window.eduplanWork = { firstWord: firstWord };
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-work-prefix]");
    if (form) start(form);
  });
})();
