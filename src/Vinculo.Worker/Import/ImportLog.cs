using Microsoft.Extensions.Logging;

namespace Vinculo.Import;

/// <summary>
/// The import's log lines. Files are named by their position in the run: a file's name holds the person's number or
/// name, so it is logged at Debug only.
/// </summary>
internal static partial class ImportLog
{
    [LoggerMessage(6000, LogLevel.Information, "Import file {Index} ({Kind}) archived: {Interactions} interaction(s) added, {Created} contact(s) created, {Updated} updated, {Consents} consent(s) granted, {Suppressed} number(s) suppressed, {Rejected} row(s) rejected")]
    public static partial void Archived(ILogger logger, int index, string kind, long interactions, long created, long updated, long consents, long suppressed, long rejected);

    [LoggerMessage(6001, LogLevel.Warning, "Import file {Index} ({Kind}) quarantined: {Reason}")]
    public static partial void Quarantined(ILogger logger, int index, string kind, string reason);

    [LoggerMessage(6002, LogLevel.Information, "Import file {Index} left for the next run: {Reason}")]
    public static partial void Skipped(ILogger logger, int index, string reason);

    [LoggerMessage(6003, LogLevel.Error, "Import file {Index} rolled back and left in the inbox for the next run: {Error}")]
    public static partial void Failed(ILogger logger, int index, string error);

    [LoggerMessage(6004, LogLevel.Debug, "Import file {Index} is {Path}")]
    public static partial void FileName(ILogger logger, int index, string path);

    [LoggerMessage(6005, LogLevel.Error, "Import file {Index} was imported but could not be moved to {Folder}; the next run imports it again (adding nothing): {Error}")]
    public static partial void NotMoved(ILogger logger, int index, string folder, string error);

    [LoggerMessage(6006, LogLevel.Warning, "Import file {Index}: a 1:1 chat with a saved contact whose name matches no contact, or several; archived without interactions")]
    public static partial void Unmatched(ILogger logger, int index);

    [LoggerMessage(6008, LogLevel.Information, "Import file {Index}: a 1:1 chat with a person erased at their request; nothing stored, file deleted")]
    public static partial void ErasedChat(ILogger logger, int index);

    [LoggerMessage(6009, LogLevel.Error, "Import file {Index}: a 1:1 chat with an erased person could not be deleted from the inbox ({Error}); delete it")]
    public static partial void NotDeleted(ILogger logger, int index, string error);

    [LoggerMessage(6007, LogLevel.Debug, "Import file {Index} hit an unexpected error and was quarantined; exception detail")]
    public static partial void Unexpected(ILogger logger, Exception exception, int index);
}
