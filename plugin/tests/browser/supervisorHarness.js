/* global window, document, React, ReactDOM */
// Adds to the Flex page of flexHarness.js what the supervisor view touches: the user's roles,
// `SideNav.Content` / `ViewCollection.Content` (dynamic content stores: children get the active
// view), `SideLink`, `View` and the `NavigateToView` action. Load after flexHarness.js.
(function () {
  "use strict";
  const Flex = window.Twilio.Flex;
  const manager = Flex.Manager.getInstance();
  manager.user.roles = ["agent"];

  const nav = [];
  const views = [];
  let activeView = "agent-desktop";
  function render() {
    const navItems = nav.map((el) => React.cloneElement(el, { activeView }));
    ReactDOM.render(React.createElement(React.Fragment, null, ...navItems), document.getElementById("flex-side-nav"));
    const shown = views.filter((el) => el.props.name === activeView);
    ReactDOM.render(React.createElement(React.Fragment, null, ...shown), document.getElementById("flex-views"));
    document.getElementById("flex-agent-desktop").style.display = activeView === "agent-desktop" ? "" : "none";
  }

  Flex.SideNav = { Content: { add: (el) => (nav.push(el), render()) } };
  Flex.ViewCollection = { Content: { add: (el) => (views.push(el), render()) } };
  Flex.SideLink = function SideLink(props) {
    return React.createElement(
      "button",
      {
        type: "button",
        "data-testid": "side-link",
        "aria-pressed": String(Boolean(props.isActive)),
        onClick: props.onClick,
        style: {
          display: "block",
          width: "100%",
          padding: "10px 8px",
          border: 0,
          color: "#fff",
          background: props.isActive ? "#1f304c" : "transparent",
          cursor: "pointer",
          fontSize: 12,
        },
      },
      "▦ ",
      props.children,
    );
  };
  Flex.View = function View(props) {
    return React.createElement("div", { "data-view": props.name }, props.children);
  };
  const invoke = Flex.Actions.invokeAction.bind(Flex.Actions);
  Flex.Actions.invokeAction = async (name, payload) => {
    if (name !== "NavigateToView") return invoke(name, payload);
    activeView = payload.viewName;
    render();
  };
  window.harness.setRoles = (roles) => (manager.user.roles = roles);
  window.harness.activeView = () => activeView;
})();
