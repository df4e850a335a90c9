// Behaviour every page shares, from a file: the Content-Security-Policy runs no inline
// script or on…= attribute.
"use strict";

// A read-only link to copy (a bridge point's, a delegate's): focusing it selects it whole.
document.addEventListener("focusin", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-select-on-focus")) {
    event.target.select();
  }
});
