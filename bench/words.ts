// Word list for the benchmark's message bodies: everyday chat English, most frequent first, so a
// Zipf draw over it gives realistic term frequencies. The benchmark's "common" and "rare" search
// words are deliberately not in this list (and no word here starts with them), so their
// frequencies are exactly what the generator decides.
export const WORDS: readonly string[] = `
i you the to a and it is that in of me my we for have be on this not are so just do at with was
what but can no your all if get like know how about will there up out now go think one yeah
when they time see good she he got want back did been then right would here come really going
well need should more some him her us let make sure take day today tomorrow tonight night morning
later soon still maybe thanks thank please sorry great nice cool love fine yes yep nope hey hi
hello bye see call text send sent message phone home work office meeting lunch dinner coffee
tea beer drink food eat pizza train bus car drive walk run late early week weekend monday tuesday
wednesday thursday friday saturday sunday next last first new old big small long little much
many few people friend friends mom dad family kids baby dog cat house room door key keys money
pay paid bill bills rent shop store buy bought price cheap free busy tired sick happy sad funny
weird crazy awesome amazing terrible bad better best worse worst game movie show watch watched
play played music song songs photo photos picture video link file doc docs email mail address
number time times minute minutes hour hours place city town street park beach trip flight
airport hotel ticket tickets plan plans idea ideas question answer problem issue fix fixed
bug code build deploy server test tests review branch merge release version update install
laptop computer screen battery charger cable wifi internet network account password login
birthday party gift present cake wedding holiday vacation summer winter spring autumn rain
snow weather cold hot warm sunny cloudy wind storm umbrella jacket shoes shirt dress bag
book books read reading write writing letter news paper story stories school class teacher
student exam homework project deadline report meeting notes agenda slides team boss client
customer order delivery package arrived arriving leaving left stay staying coming came went
gone done finished started start stop wait waiting waited ready almost already again always
never sometimes often usually together alone everyone someone anyone nobody something anything
nothing everything because though although while before after during until since around near
far away inside outside upstairs downstairs kitchen garden window table chair bed bathroom
doctor dentist appointment hospital pharmacy medicine gym yoga football tennis match score
won lost win lose team club practice training guitar piano concert ticket festival museum
gallery cinema theatre restaurant bar cafe menu table booking booked reservation cancel
cancelled moved move moving box boxes truck help helped helping thanks welcome congrats
cheers lol haha omg wow ok hmm ugh yay oops btw fyi asap tbh idk imo brb
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** In about half of all messages. */
export const COMMON_WORD = 'okay';
/** In about 0.01% of all messages. */
export const RARE_WORD = 'zeppelin';
