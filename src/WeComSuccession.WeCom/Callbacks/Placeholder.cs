namespace WeComSuccession.WeCom.Callbacks;

internal static class Placeholder;
