namespace Vinculo.Dispatch;

/// <summary>A named template parameter: <c>first_name</c> or <c>product</c>.</summary>
public sealed record TemplateParameter(string Name, string Value);

/// <summary>One message to send, as the dispatcher decided it.</summary>
/// <param name="MessageId"><c>message_queue.message_id</c>.</param>
/// <param name="To">The E.164 number, with its '+'.</param>
/// <param name="SentAs"><see cref="Dispatch.SentAs.Session"/> (text in <paramref name="Text"/>) or <see cref="Dispatch.SentAs.Template"/>.</param>
/// <param name="Text">The rendered body, for a session message.</param>
/// <param name="TemplateName">The approved template, for a template message.</param>
/// <param name="TemplateLanguage">Its language code (<c>pt_BR</c>).</param>
/// <param name="TemplateParameters">Its named body parameters, in order.</param>
public sealed record OutboundMessage(
    long MessageId,
    string To,
    string SentAs,
    string? Text,
    string? TemplateName,
    string? TemplateLanguage,
    IReadOnlyList<TemplateParameter> TemplateParameters);
