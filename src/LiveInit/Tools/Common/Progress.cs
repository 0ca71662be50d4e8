namespace LiveInit.Tools.Common;

/// <summary>
/// Progress of long work. On a terminal: one bar redrawn in place on standard error. Otherwise (a log, a serial
/// console, a pipe): a plain line at each tenth of the work, so logs stay readable. The total may be unknown
/// (a download without Content-Length): then the amount done is shown every 8 MiB or so.
/// </summary>
public sealed class Progress
{
    private readonly string _what;
    private readonly long _total;
    private readonly bool _bytes;
    private readonly bool _terminal;
    private int _lastTenth = -1;
    private long _lastShown = -1;
    private long _lastDraw;

    public Progress(string what, long total, bool bytes = true, bool? terminal = null)
    {
        _what = what;
        _total = total;
        _bytes = bytes;
        _terminal = terminal ?? IsTerminal;
    }

    /// <summary>Standard error is a terminal that can redraw a line.</summary>
    public static bool IsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    public long Done { get; private set; }
    public long Total => _total;

    public void Add(long n) => Report(Done + n);

    public void Report(long done)
    {
        Done = done;
        if (_terminal)
        {
            var now = Environment.TickCount64;
            if (now - _lastDraw < 100 && (_total <= 0 || done < _total)) return;
            _lastDraw = now;
            Console.Error.Write("\r" + Bar(done) + "\u001b[K");
            return;
        }
        if (_total > 0)
        {
            var tenth = (int)Math.Min(10, done * 10 / _total);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            Console.Error.WriteLine($"{_what}: {tenth * 10}% ({Amount(done)} of {Amount(_total)})");
        }
        else if (_lastShown < 0 || done - _lastShown >= (_bytes ? 8L << 20 : 1000))
        {
            _lastShown = done;
            Console.Error.WriteLine($"{_what}: {Amount(done)}");
        }
    }

    /// <summary>Ends the bar (a newline on a terminal) and prints the summary if any.</summary>
    public void Finish(string? summary = null)
    {
        if (_terminal) { _lastDraw = 0; Report(Done); Console.Error.WriteLine(); }
        else if (_total > 0 && _lastTenth < 10 && Done >= _total) Report(Done);
        if (summary is not null) Console.Error.WriteLine($"{_what}: {summary}");
    }

    /// <summary>"copying [#########.........] 45% 12.0 MiB of 26.7 MiB" (pure, for tests).</summary>
    public string Bar(long done, int width = 30)
    {
        if (_total <= 0) return $"{_what}: {Amount(done)}";
        var fraction = Math.Clamp((double)done / _total, 0, 1);
        var filled = (int)(fraction * width);
        return $"{_what} [{new string('#', filled)}{new string('.', width - filled)}] {(int)(fraction * 100),3}% "
               + $"{Amount(done)} of {Amount(_total)}";
    }

    private string Amount(long n) => _bytes ? Say.Size(n) : n.ToString();
}
