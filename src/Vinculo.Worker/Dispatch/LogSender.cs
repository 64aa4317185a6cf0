using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;
using Vinculo.Privacy;

namespace Vinculo.Dispatch;

/// <summary>
/// The default sender, for first runs, the demo and trials: sends nothing. Each message becomes one JSON line in
/// <c>{Dispatch:OutboxPath}/outbox-YYYY-MM-DD.jsonl</c> (a file per UTC day) holding the exact request body the Cloud
/// sender would POST, and one log line with the number masked; the message is then marked sent with a local id.
/// </summary>
/// <remarks>
/// Not <see cref="IDisposable"/> on purpose: it is a singleton handed out through the transient <see cref="IMessageSender"/>
/// registration, and a container disposes the transient disposables it hands out when their scope ends (each job run).
/// </remarks>
public sealed class LogSender(IOptions<DispatchOptions> options, VinculoPaths paths, TimeProvider timeProvider, ILogger<LogSender> logger)
    : IMessageSender
{
    /// <summary>Local message ids start with this, so they can never be mistaken for Meta's wamids.</summary>
    public const string IdPrefix = "local.";

    private readonly Lock gate = new();

    public string Name => nameof(SenderKind.Log);

    public string OutboxFolder => OutboxFolderFor(options.Value, paths);

    /// <summary><c>Dispatch:OutboxPath</c>, relative to the data folder unless absolute.</summary>
    public static string OutboxFolderFor(DispatchOptions options, VinculoPaths paths) => paths.Resolve(options.OutboxPath);

    public Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = timeProvider.GetUtcNow();
        var id = IdPrefix + Guid.NewGuid().ToString("N");
        var line = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["provider_message_id"] = id,
            ["sent_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["sent_as"] = message.SentAs,
            ["request"] = CloudApiRequests.Body(message),
        };
        var path = Path.Combine(OutboxFolder, $"outbox-{now:yyyy-MM-dd}.jsonl");

        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            Directory.CreateDirectory(OutboxFolder);
            File.AppendAllText(path, line.ToJsonString(LineOptions) + "\n", NoBom);
        }

        DispatchLog.WrittenToOutbox(logger, message.MessageId, PhoneMask.Mask(message.To), message.SentAs);
        return Task.FromResult(SendResult.Accepted(id));
    }

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);
}
