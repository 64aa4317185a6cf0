namespace Vinculo.Import;

/// <summary>Why a file cannot be imported as a chat; the caller moves it to <c>quarantine/</c> with the message as its reason.</summary>
public enum ChatExportFailure
{
    /// <summary>Empty, binary, or text that does not start with a dated line of an Android or iPhone export.</summary>
    NotAChat,

    /// <summary>A 1:1 chat whose counterpart neither the file name nor the senders identify.</summary>
    UnknownCounterpart,
}

/// <summary>
/// The only exception <see cref="ChatExportParser"/> raises for what a file contains (the reader it is given may raise
/// its own). Thrown by <see cref="ChatExportParser.Parse"/>, before any message is returned, never half-way through
/// <see cref="ChatExport.Messages"/>. The message is in Portuguese, for the <c>.reason.txt</c> users read.
/// </summary>
public sealed class ChatExportException : Exception
{
    public ChatExportException(ChatExportFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    public ChatExportFailure Failure { get; }

    internal static ChatExportException Empty() =>
        new(ChatExportFailure.NotAChat, "O arquivo está vazio: não é uma conversa exportada do WhatsApp.");

    internal static ChatExportException NotAChat() =>
        new(ChatExportFailure.NotAChat,
            "O arquivo não é uma conversa exportada do WhatsApp: a primeira linha não começa com data e hora como nas " +
            "exportações do Android (\"02/11/2026 10:14 - \") ou do iPhone (\"[07/11/2026, 13:05:40] \").");

    internal static ChatExportException UnknownCounterpart() =>
        new(ChatExportFailure.UnknownCounterpart,
            "Não foi possível saber quem é o contato desta conversa: o nome do arquivo não traz o número nem o nome do contato " +
            "(exporte de novo pelo WhatsApp, sem renomear o arquivo) e as mensagens não mostram o número de quem escreveu.");
}
