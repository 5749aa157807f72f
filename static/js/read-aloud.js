/* 読み上げ: reads the main content aloud with the browser's own speech synthesis in
   Japanese (no outside service), sentence by sentence, the sentence being read
   highlighted. The controls stay hidden where the browser has no Japanese voice. */
(function () {
  "use strict";

  var group = document.querySelector("[data-read-aloud]");
  var main = document.getElementById("main");
  if (!group || !main || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var synth = window.speechSynthesis;
  var startButton = group.querySelector('[data-action="start"]');
  var pauseButton = group.querySelector('[data-action="pause"]');
  var stopButton = group.querySelector('[data-action="stop"]');
  var status = group.querySelector("[data-status]");
  var canHighlight = !!(window.CSS && CSS.highlights && typeof Highlight === "function");
  var BLOCKS = "p, li, dt, dd, th, td, caption, figcaption, h1, h2, h3, h4, h5, h6, blockquote, pre, address, div, section, article";
  var SKIP = "rt, rp, script, style, noscript, template, [hidden], [aria-hidden='true']";
  var ENDS = "。！？!?";

  var voice = null;
  var sentences = [];
  var run = 0;
  var marked = null;

  function japaneseVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^ja([-_]|$)/i.test(voices[i].lang || "")) {
        return voices[i];
      }
    }
    return null;
  }

  function refreshVoice() {
    voice = japaneseVoice();
    group.hidden = !voice;
  }

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function textNodes() {
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest(SKIP)) {
          return NodeFilter.FILTER_REJECT;
        }
        return node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      },
    });
    var nodes = [];
    while (walker.nextNode()) {
      nodes.push(walker.currentNode);
    }
    return nodes;
  }

  /* Sentences of the main content: text up to 。！？ or the end of a block, with
     where each starts and ends (it may run over several text nodes, as ruby does). */
  function collect() {
    var list = [];
    var current = null;
    var lastBlock = null;
    function finish() {
      if (current && current.text.trim()) {
        list.push(current);
      }
      current = null;
    }
    textNodes().forEach(function (node) {
      var block = node.parentElement.closest(BLOCKS);
      if (block !== lastBlock) {
        finish();
        lastBlock = block;
      }
      var data = node.data;
      var from = 0;
      for (var i = 0; i < data.length; i++) {
        if (!current) {
          if (/\s/.test(data[i])) {
            continue;
          }
          current = { text: "", startNode: node, startOffset: i };
          from = i;
        }
        if (ENDS.indexOf(data[i]) >= 0) {
          current.text += data.slice(from, i + 1);
          current.endNode = node;
          current.endOffset = i + 1;
          finish();
          from = i + 1;
        }
      }
      if (current) {
        current.text += data.slice(from);
        current.endNode = node;
        current.endOffset = data.length;
      }
    });
    finish();
    return list;
  }

  function clearHighlight() {
    if (canHighlight) {
      CSS.highlights.delete("read-aloud");
    }
    if (marked) {
      marked.classList.remove("read-aloud-current");
      marked = null;
    }
  }

  function highlight(sentence) {
    clearHighlight();
    var range = document.createRange();
    range.setStart(sentence.startNode, sentence.startOffset);
    range.setEnd(sentence.endNode, sentence.endOffset);
    if (canHighlight) {
      CSS.highlights.set("read-aloud", new Highlight(range));
    } else {
      marked = sentence.startNode.parentElement.closest(BLOCKS);
      if (marked) {
        marked.classList.add("read-aloud-current");
      }
    }
    var element = sentence.startNode.parentElement;
    if (element && element.scrollIntoView) {
      element.scrollIntoView({ block: "nearest" });
    }
  }

  function setPaused(paused) {
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
  }

  function speak(index, token) {
    if (token !== run) {
      return;
    }
    if (index >= sentences.length) {
      stop();
      announce("読み上げが終わりました。");
      return;
    }
    var sentence = sentences[index];
    var utterance = new SpeechSynthesisUtterance(sentence.text);
    utterance.lang = "ja-JP";
    utterance.voice = voice;
    utterance.onstart = function () {
      if (token === run) {
        highlight(sentence);
      }
    };
    utterance.onend = function () {
      speak(index + 1, token);
    };
    utterance.onerror = function () {
      speak(index + 1, token);
    };
    synth.speak(utterance);
  }

  function start() {
    if (pauseButton.getAttribute("aria-pressed") === "true") {
      synth.resume();
      setPaused(false);
      announce("読み上げを再開しました。");
      return;
    }
    stop();
    sentences = collect();
    run += 1;
    announce("読み上げを始めました。");
    speak(0, run);
  }

  function pause() {
    if (!sentences.length) {
      return;
    }
    if (pauseButton.getAttribute("aria-pressed") === "true") {
      synth.resume();
      setPaused(false);
      announce("読み上げを再開しました。");
    } else {
      synth.pause();
      setPaused(true);
      announce("読み上げを一時停止しました。");
    }
  }

  function stop() {
    run += 1;
    synth.cancel();
    sentences = [];
    setPaused(false);
    clearHighlight();
  }

  startButton.addEventListener("click", start);
  pauseButton.addEventListener("click", pause);
  stopButton.addEventListener("click", function () {
    var wasReading = sentences.length > 0;
    stop();
    if (wasReading) {
      announce("読み上げを停止しました。");
    }
  });
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });

  refreshVoice();
  if (synth.addEventListener) {
    synth.addEventListener("voiceschanged", refreshVoice);
  } else {
    synth.onvoiceschanged = refreshVoice;
  }
})();
