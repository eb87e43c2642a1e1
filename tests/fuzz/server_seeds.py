# Writes the fuzz_server seed corpus (the record format is described in fuzz_server.c):
# sessions shaped like the integration tests' (IRC chat, plain chat, silence, timeouts, flood,
# overlong lines, EOF mid-line, malformed lines). usage: python3 server_seeds.py DIR
import os, sys
out = sys.argv[1]
def send(cl, text):
    b = text.encode()
    recs = b''
    while b:
        piece, b = b[:255], b[255:]
        recs += bytes([cl | (0 << 2), len(piece)]) + piece
    return recs
def pas(cl=0): return bytes([cl | (1 << 2)])
def clock(cl, n): return bytes([cl | (2 << 2), n])
def eof(cl): return bytes([cl | (3 << 2)])
reg = lambda cl, nick: send(cl, "CAP LS 302\r\nNICK %s\r\nUSER %s 0 * :%s\r\nCAP REQ :server-time echo-message\r\nCAP END\r\n" % (nick, nick, nick.title()))
seeds = {
 'irc_chat': reg(0,'alice') + reg(1,'bob') + pas() + send(0,"JOIN #lan\r\n") + send(1,"JOIN #lan,#dev\r\n") + pas()
    + send(0,"PRIVMSG #lan :hello bob\r\nPRIVMSG bob,#lan,carol,#dev :multi\r\nTOPIC #lan :the topic\r\n") + pas()
    + send(1,"NAMES #lan\r\nWHO #lan\r\nWHOIS alice\r\nMODE bob +i\r\nAWAY :lunch\r\nLIST\r\n") + pas()
    + send(0,"PRIVMSG bob :are you there\r\nNICK alicia\r\nPART #lan :bye\r\nQUIT :done\r\n") + pas(),
 'plain_chat': send(2,"hello everyone\r\n") + pas() + reg(0,'alice') + send(0,"JOIN #lan\r\n") + pas()
    + send(2,"/nick dave\r\n/me waves\r\n/msg alice hi \x1b[31mred\x1b[0m\r\n/who\r\n/help\r\n//slash\r\n") + pas()
    + send(0,"PRIVMSG #lan :\x03" + "4colour\x02bold\x01ACTION x\x01 \x1b]0;title\x07\r\n") + pas()
    + send(2,"/quit see you\r\n") + pas(),
 'silent_then_plain': send(3,"") + clock(3, 30) + send(3,"PING everyone: meeting\r\n") + pas(),
 'timeouts': send(1,"NICK slow\r\n") + clock(1, 40) + reg(0,'alice') + pas() + clock(0, 60) + clock(0, 60),
 'flood': reg(0,'alice') + send(1,"x\r\n") + pas() + b''.join(send(0,"PRIVMSG #lan,alice :line %d\r\n" % i) for i in range(30)) + pas() + b''.join(send(1, "paste line %d\n" % i) for i in range(40)) + pas() + clock(0,20),
 'overlong': send(2, "A"*600 + "\r\n") + pas() + reg(0,'alice') + send(0, "PRIVMSG alice :" + "B"*700 + "\r\n") + pas(),
 'eof_mid_line': reg(0,'alice') + send(1,"NICK bob\r\nUSER bob 0 * :Bob\r\nJOIN #lan\r\nPRIVMSG #lan :half") + eof(1) + send(0,"JOIN #lan\r\n") + pas(),
 'bad_lines': send(0,"@a=b :src NICK x\r\nCAP NOTACOMMAND\r\nUSER x 0 * :\r\nNICK 9x\r\nNICK ok\r\nUSER ok 0 * :Ok\r\nJOIN 0\r\nJOIN #a,#b,#c,#d,#e\r\nMODE #a +x\r\nMODE ok +iw\r\nPRIVMSG\r\nFOO bar\r\n\x00\r\n\r\n") + pas(),
}
os.makedirs(out, exist_ok=True)
for k, v in seeds.items():
    open(os.path.join(out, k), 'wb').write(v)
