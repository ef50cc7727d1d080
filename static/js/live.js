/* Live updates on top of pages that already work without JavaScript.
 *
 * A websocket push is only a hint ({type, cursor}); the content always comes from the
 * API. On every connect, reconnect and push the page asks for everything since the
 * last cursor it holds, so nothing is lost while the connection was away, and
 * replies already on the page (by id) are never shown twice.
 * Ids come in data- attributes; no inline script, so a strict CSP works.
 */
(function () {
  "use strict";

  var CLOSE_NO_RETRY = [4401, 4404];

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  // Opens `path`, calls onopen on every (re)connect and onpush for each event; reconnects
  // with a growing, jittered delay, unless the server said we may not follow this stream.
  // `element` shows the state in data-live-state (open or closed), for styles and tests.
  function follow(path, element, onopen, onpush) {
    var delay = 1000;
    function connect() {
      var socket = new WebSocket(wsUrl(path));
      socket.onopen = function () {
        delay = 1000;
        element.setAttribute("data-live-state", "open");
        onopen();
      };
      socket.onmessage = function (message) {
        var event;
        try {
          event = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        onpush(event);
      };
      socket.onclose = function (close) {
        element.setAttribute("data-live-state", "closed");
        if (CLOSE_NO_RETRY.indexOf(close.code) !== -1) return;
        window.setTimeout(connect, delay + Math.random() * delay * 0.5);
        delay = Math.min(delay * 2, 30000);
      };
    }
    connect();
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }
    );
  }

  // Runs `task` one at a time; a call while one runs asks for exactly one more run.
  function serial(task) {
    var running = false;
    var again = false;
    function run() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
      task()
        .catch(function () {})
        .then(function () {
          running = false;
          if (again) run();
        });
    }
    return run;
  }

  /* The ad page: new replies appear in their conversation, the status follows. */

  function adPage(root) {
    var adId = root.getAttribute("data-live-ad");
    var cursor = parseInt(root.getAttribute("data-live-cursor") || "0", 10);
    var announce = document.querySelector("[data-live-announce]");
    var changed = document.querySelector("[data-live-changed]");

    // Every list of the API answers {results, next}: follow `next` (on this page's own
    // origin) until it is null; each event's cursor is where the next call starts.
    function fetchFrom(url) {
      return getJson(url).then(function (page) {
        page.results.forEach(function (event) {
          applyEvent(event);
          cursor = Math.max(cursor, event.cursor);
        });
        showStatus(page.ad);
        if (page.next) {
          var link = new URL(page.next, location.href);
          return fetchFrom(link.pathname + link.search);
        }
      });
    }
    var resync = serial(function () {
      return fetchFrom("/api/v1/ads/" + adId + "/events/?since=" + cursor);
    });

    function applyEvent(event) {
      if (event.type === "reply.created" && event.reply) {
        addReply(event.reply);
      } else if (event.type !== "reply.created" && changed) {
        changed.hidden = false;
      }
    }

    function addReply(reply) {
      if (root.querySelector('[data-reply-id="' + reply.id + '"]')) return;
      var list = conversationList(reply);
      list.appendChild(replyItem(reply));
      if (announce) announce.textContent = root.getAttribute("data-live-new-reply") + " " + reply.author_name;
    }

    function conversationList(reply) {
      var section = document.getElementById("conversation-" + reply.conversation);
      if (!section) section = newConversation(reply);
      return section.querySelector(".messages-list");
    }

    function newConversation(reply) {
      var template = document.getElementById("live-conversation");
      var section = template.content.firstElementChild.cloneNode(true);
      section.id = "conversation-" + reply.conversation;
      var title = section.querySelector("[data-slot=title]");
      var parts = title.textContent.split("__NAME__");
      title.textContent = parts[0] + reply.author_name + (parts[1] || "");
      var link = section.querySelector("[data-slot=reload]");
      if (link) link.href = location.pathname + "#conversation-" + reply.conversation;
      var empty = root.querySelector(".empty-state");
      if (empty) empty.remove();
      root.querySelector("[data-live-conversations]").appendChild(section);
      return section;
    }

    function replyItem(reply) {
      var item = document.createElement("li");
      item.className = "chat-message" + (reply.is_mine ? " chat-message--own" : "");
      item.setAttribute("data-reply-id", reply.id);
      var meta = document.createElement("p");
      meta.className = "chat-message__meta";
      var who = document.createElement("strong");
      who.textContent = reply.is_mine ? root.getAttribute("data-live-you") : reply.author_name;
      var when = document.createElement("time");
      when.dateTime = reply.created_at;
      when.textContent = formatTime(reply.created_at);
      meta.append(who, ", ", when);
      var body = document.createElement("div");
      body.className = "chat-message__body";
      reply.body.split(/\n{2,}/).forEach(function (paragraph) {
        var p = document.createElement("p");
        paragraph.split("\n").forEach(function (line, index) {
          if (index) p.appendChild(document.createElement("br"));
          p.appendChild(document.createTextNode(line));
        });
        body.appendChild(p);
      });
      item.append(meta, body);
      return item;
    }

    // The server's format ("j F, H:i") in the server's time zone, in the page's language.
    function formatTime(iso) {
      var parts = {};
      var options = { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
      options.timeZone = root.getAttribute("data-live-tz") || undefined;
      new Intl.DateTimeFormat(document.documentElement.lang || undefined, options)
        .formatToParts(new Date(iso))
        .forEach(function (part) {
          parts[part.type] = part.value;
        });
      return parts.day + " " + parts.month + ", " + parts.hour + ":" + parts.minute;
    }

    function showStatus(ad) {
      var badge = document.querySelector("[data-live-status]");
      if (!badge || badge.getAttribute("data-live-status") === ad.status) return;
      badge.classList.remove("badge--status-" + badge.getAttribute("data-live-status"));
      badge.classList.add("badge--status-" + ad.status);
      badge.setAttribute("data-live-status", ad.status);
      badge.querySelector("[data-slot=label]").textContent = ad.status_label;
      if (changed) changed.hidden = false;
    }

    follow("/ws/ads/" + adId + "/", root, resync, function (event) {
      // A push with a cursor we hold is old news; anything else (a gap, a resync) refetches.
      if (event.cursor === null || event.cursor > cursor) resync();
    });
  }

  /* The badge in the header: the number of unread notifications. */

  function badge(element) {
    var refresh = serial(function () {
      return getJson("/api/v1/notifications/unread-count/").then(function (data) {
        element.textContent = data.unread > 0 ? String(data.unread) : "";
        element.hidden = data.unread === 0;
      });
    });
    follow("/ws/notifications/", element, refresh, refresh);
  }

  var adRoot = document.querySelector("[data-live-ad]");
  if (adRoot && "WebSocket" in window) adPage(adRoot);
  var unread = document.querySelector("[data-live-unread]");
  if (unread && "WebSocket" in window) badge(unread);
})();
