// WebPeerBridge browser helpers: the few things Blazor cannot do from the server.

const NEAR_BOTTOM_PX = 48;

/** Remembers the theme for the next page load (read by the server, so the first paint is right). */
export function setTheme(dark) {
    const value = dark ? "dark" : "light";
    document.cookie = `wpb-theme=${value}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.dataset.theme = value;
}

/** The browser's time zone, so the server shows times as the reader expects. */
export function timeZone() {
    let id = "";
    try {
        id = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
        id = "";
    }
    return { id, offsetMinutes: new Date().getTimezoneOffset() };
}

/** Enter sends, Shift+Enter makes a new line: stop Enter from inserting a newline (Blazor sees the key and sends). */
export function initComposer(root) {
    if (!root || root.dataset.wpbComposer) {
        return;
    }
    root.dataset.wpbComposer = "1";
    root.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target instanceof HTMLTextAreaElement) {
            e.preventDefault();
        }
    }, true);
}

/** Keeps a message log scrolled to the newest line while the reader is at the bottom; offers a jump button otherwise. */
export function followLog(log, jumpButton) {
    if (!log || log.wpbFollow) {
        return;
    }
    const state = { stuck: true };
    log.wpbFollow = state;
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
    const toEnd = () => {
        log.scrollTop = log.scrollHeight;
    };
    const setBehind = (behind) => {
        if (jumpButton) {
            jumpButton.hidden = !behind;
        }
    };

    log.addEventListener("scroll", () => {
        state.stuck = atBottom();
        if (state.stuck) {
            setBehind(false);
        }
    }, { passive: true });

    const observer = new MutationObserver(() => {
        if (state.stuck) {
            toEnd();
        } else {
            setBehind(true);
        }
    });
    observer.observe(log, { childList: true, subtree: true, characterData: true });
    state.observer = observer;

    if (jumpButton) {
        jumpButton.addEventListener("click", () => {
            state.stuck = true;
            toEnd();
            setBehind(false);
        });
    }

    // Open at the "New messages" divider when there is one, else at the newest line.
    const divider = log.querySelector(".wpb-new-divider");
    if (divider) {
        divider.scrollIntoView({ block: "center" });
        state.stuck = atBottom();
    } else {
        toEnd();
    }
}

/** Stops following a log that is going away. */
export function unfollowLog(log) {
    if (log && log.wpbFollow) {
        log.wpbFollow.observer.disconnect();
        delete log.wpbFollow;
    }
}

/** Scrolls a log to its newest line (after the reader sent something). */
export function scrollLogToEnd(log) {
    if (log) {
        if (log.wpbFollow) {
            log.wpbFollow.stuck = true;
        }
        log.scrollTop = log.scrollHeight;
    }
}

const visibilityWatchers = new Map();
let nextWatcher = 1;

/** Whether the page is visible now. */
export function isPageVisible() {
    return document.visibilityState === "visible";
}

/** Tells the server when the page is shown or hidden, so lines count as unread only while nobody looks. */
export function watchVisibility(dotNetRef) {
    const report = () => dotNetRef.invokeMethodAsync("SetPageVisible", document.visibilityState === "visible").catch(() => { });
    document.addEventListener("visibilitychange", report);
    const id = nextWatcher++;
    visibilityWatchers.set(id, report);
    return id;
}

/** Stops a watcher of <see cref="watchVisibility"/>. */
export function unwatchVisibility(id) {
    const report = visibilityWatchers.get(id);
    if (report) {
        document.removeEventListener("visibilitychange", report);
        visibilityWatchers.delete(id);
    }
}
